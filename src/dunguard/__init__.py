"""DunGuard (催收护盾): offline evidence, analysis and action toolkit for borrowers facing illegal collection."""

__version__ = "0.1.0"
