"""Extension points that the domain apps fill in their AppConfig.ready().

The project package must not import the domain apps (docs/architecture.md: every app -> erfurt_srp).
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    visible: Callable  # visible(user) -> bool
    order: int = 100
    url_kwargs: dict = field(default_factory=dict)
    # "main" (top navigation) or "staff" (the Geschäftsstelle bar, shown to staff and admins);
    # an item with visible=erfurt_srp.accounts.roles.is_staff goes to the staff bar as well.
    section: str = "main"


@dataclass(frozen=True)
class DashboardPanel:
    """A block on the dashboard: render(request) returns HTML or "" when it has nothing to show."""

    key: str
    render: Callable
    order: int = 100


@dataclass(frozen=True)
class DemoSeeder:
    """seed_demo calls each seeder in order; each must be idempotent."""

    key: str
    seed: Callable  # seed(stdout) -> list of (role, email, password) logins it created
    order: int = 100


@dataclass(frozen=True)
class HomeSection:
    """A block on the public home page: render(request) returns HTML or "" when empty."""

    key: str
    render: Callable
    order: int = 100


nav_items: list[NavItem] = []
dashboard_panels: list[DashboardPanel] = []
home_sections: list[HomeSection] = []
demo_seeders: list[DemoSeeder] = []


def _add(registry: list, item) -> None:
    keys = [getattr(x, "key", None) or getattr(x, "url_name", None) for x in registry]
    key = getattr(item, "key", None) or getattr(item, "url_name", None)
    if key in keys:
        registry[keys.index(key)] = item
    else:
        registry.append(item)
    registry.sort(key=lambda x: x.order)


def register_nav(item: NavItem) -> None:
    _add(nav_items, item)


def register_dashboard_panel(panel: DashboardPanel) -> None:
    _add(dashboard_panels, panel)


def register_home_section(section: HomeSection) -> None:
    _add(home_sections, section)


def register_demo_seeder(seeder: DemoSeeder) -> None:
    _add(demo_seeders, seeder)
