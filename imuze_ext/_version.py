"""The version of the `imuze` distribution: the one literal hatch builds the wheel from."""

__version__: str = "0.1.0"
