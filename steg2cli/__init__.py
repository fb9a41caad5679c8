"""steg2: the register and billing tool for MÄN's Steg 2 trainers."""

__version__ = "0.1.0"
