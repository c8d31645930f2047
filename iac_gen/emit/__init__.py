"""Emitters: the desired state as ARM JSON and Bicep, checked before anything is written."""
