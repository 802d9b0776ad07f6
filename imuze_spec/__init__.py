"""`imuze-spec`: what a spec edit means for clients, on the wire and in the generated Python API.

Installed with the `spec` extra (`pip install 'imuze[spec]'`); needs the pinned generator.
"""
