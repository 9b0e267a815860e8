"""Lets python-engineio >= 4.13 open WebSocket connections on the aiohttp that Rasa 3.6 allows.

python-engineio 4.13.0 and later build ``aiohttp.ClientWSTimeout(ws_close=...)`` (added in aiohttp
3.11) and pass it as ``ws_connect(timeout=...)``; their metadata asks for ``aiohttp>=3.11`` only under
the optional ``asyncio-client`` extra, so ``pip check`` is silent. Rasa 3.6.21 requires
``aiohttp>=3.9.0,<3.10``, so with it ``socketio.AsyncClient`` fails on the WebSocket transport with
``AttributeError: module 'aiohttp' has no attribute 'ClientWSTimeout'``. Going back to a
python-engineio without that call (4.12.3 or older) is not an option: every such version is affected
by GHSA-cgwc-pv48-fhj5 (CVE-2026-48802) and GHSA-m9gh-vj53-gvh9 (CVE-2026-48809), fixed in 4.13.2.

aiohttp 3.9's ``ws_connect(timeout=10.0)`` takes the close timeout in seconds, which is what
``ClientWSTimeout(ws_close=...)`` means. So on an aiohttp without ``ClientWSTimeout`` this installs a
float with that constructor; it does nothing on aiohttp >= 3.11. It only affects the socket.io
*client* (the server never builds one), so it belongs to the tests that use ``socketio.AsyncClient``
(import it from their conftest), not to the assistant's runtime. Remove it together with Rasa 3.6.
"""
import aiohttp

if not hasattr(aiohttp, "ClientWSTimeout"):

    class ClientWSTimeout(float):
        """aiohttp 3.11's ClientWSTimeout, reduced to what aiohttp 3.9's ws_connect(timeout=) takes."""

        def __new__(cls, ws_receive=None, ws_close=10.0):
            if ws_receive is not None:  # aiohttp 3.9 takes that one as ws_connect(receive_timeout=)
                raise TypeError("ws_receive is not supported on aiohttp < 3.11: pass receive_timeout")
            return super().__new__(cls, ws_close)

        @property
        def ws_close(self) -> float:
            return float(self)

        ws_receive = None

    aiohttp.ClientWSTimeout = ClientWSTimeout
    SHIMMED = True
else:
    SHIMMED = False
