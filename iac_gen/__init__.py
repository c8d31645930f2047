"""iac-gen: declare an Azure ML managed online endpoint once, compile it, and prove it in Azure."""

__version__ = "0.1.0"
