"""The API resources: arrangements and songs, each with a sync and an async twin."""
