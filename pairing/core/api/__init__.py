"""The API bases every app's viewsets build on: scoping, permissions, pagination, errors."""
