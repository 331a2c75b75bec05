"""Framework code shared by every app: scoping, the service wrapper, workflows, audit writing, base
views and API bases, filtering, concurrency, uploads, workbooks. Domain code lives in the apps."""
