"""Risk levels of the safety screen, ordered so that max() gives the most urgent."""
from enum import IntEnum


class Level(IntEnum):
    NONE = 0
    CONCERN = 1
    HIGH = 2
    IMMINENT = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: "str | int | Level") -> "Level":
        """Accept a label ('high'), a name ('HIGH') or a number, as stored data varies."""
        if isinstance(value, cls):
            return value
        if isinstance(value, int):
            return cls(value)
        text = str(value).strip()
        if text.isdigit():
            return cls(int(text))
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown risk level: {value!r}") from None

    def __str__(self) -> str:
        return self.label
