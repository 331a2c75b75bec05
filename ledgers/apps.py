from django.apps import AppConfig


class LedgersConfig(AppConfig):
    name = "ledgers"
    verbose_name = "工作台账"
    # Run by `manage.py seed_demo` after pairing's builders (pairing/demo.py explains the rules).
    demo_builders = ("ledgers.demo.build", "ledgers.demo_meetings.build", "ledgers.demo_demands.build")

    def ready(self):
        from . import events

        # Domain events (pairing.core.events) become notifications once their transaction commits.
        events.connect()
