"""The demo company's own people: a sales department with three regional teams and every role."""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from guanxi.people.models import Role, Team, User
from guanxi.people.services import team_create, user_create

ROOT_TEAM = "销售部"
# Region team name → its manager; reps rep1–rep4 belong to the first team, rep5–rep8 to the second …
TEAMS = (("华东大区", "manager1"), ("华南大区", "manager2"), ("华北大区", "manager3"))
REPS_PER_TEAM = 4

# username → (role, display name). Fixed so that the README and the screenshots stay true.
PEOPLE: dict[str, tuple[str, str]] = {
    "admin": (Role.ADMIN, "周立新"),
    "director": (Role.DIRECTOR, "陈国华"),
    "archivist": (Role.ARCHIVIST, "林秀英"),
    "manager1": (Role.MANAGER, "王志强"),
    "manager2": (Role.MANAGER, "黄丽娟"),
    "manager3": (Role.MANAGER, "刘海涛"),
    "rep1": (Role.REP, "张磊"),
    "rep2": (Role.REP, "李婷"),
    "rep3": (Role.REP, "赵鹏"),
    "rep4": (Role.REP, "孙晓燕"),
    "rep5": (Role.REP, "吴俊杰"),
    "rep6": (Role.REP, "郑雅琪"),
    "rep7": (Role.REP, "何文斌"),
    "rep8": (Role.REP, "梁思敏"),
    "rep9": (Role.REP, "马建军"),
    "rep10": (Role.REP, "高静"),
    "rep11": (Role.REP, "罗宇航"),
    "rep12": (Role.REP, "谢梦瑶"),
}
MARKER_USERNAME = "director"  # the demo organisation is present when this user exists


@dataclass
class Organisation:
    root: Team
    admin: User
    director: User
    archivist: User
    managers: list[User] = field(default_factory=list)
    reps: list[User] = field(default_factory=list)
    team_of: dict[int, Team] = field(default_factory=dict)  # user id → team
    manager_of: dict[int, User] = field(default_factory=dict)  # rep id → their manager

    @property
    def users(self) -> list[User]:
        return [self.admin, self.director, self.archivist, *self.managers, *self.reps]

    def teammates(self, rep: User) -> list[User]:
        team = self.team_of[rep.pk]
        return [r for r in self.reps if self.team_of[r.pk].pk == team.pk and r.pk != rep.pk]


def _user(username: str, password_hash: str, team: Team) -> User:
    role, display_name = PEOPLE[username]
    user = user_create(
        username=username,
        password=None,
        role=role,
        team=team,
        display_name=display_name,
        email=f"{username}@guanxi-demo.example.com",
    )
    user.password = password_hash
    user.save(update_fields=["password"])
    return user


def organisation_create(*, password: str) -> Organisation:
    """Create the teams and the demo users, all with ``password``."""
    # Every demo user has the same password, so one (deliberately slow) Argon2 hash serves them all.
    password = make_password(password)
    root = team_create(name=ROOT_TEAM)
    org = Organisation(
        root=root,
        admin=_user("admin", password, root),
        director=_user("director", password, root),
        archivist=_user("archivist", password, root),
    )
    for index, (team_name, manager_name) in enumerate(TEAMS):
        team = team_create(name=team_name, parent=root)
        manager = _user(manager_name, password, team)
        team.manager = manager
        team.save(update_fields=["manager"])
        org.managers.append(manager)
        org.team_of[manager.pk] = team
        for number in range(index * REPS_PER_TEAM + 1, (index + 1) * REPS_PER_TEAM + 1):
            rep = _user(f"rep{number}", password, team)
            org.reps.append(rep)
            org.team_of[rep.pk] = team
            org.manager_of[rep.pk] = manager
    return org


def demo_users() -> list[User]:
    """Return the demo users that exist, in the order of ``PEOPLE``."""
    found = {u.username: u for u in User.objects.filter(username__in=list(PEOPLE)).select_related("team")}
    return [found[name] for name in PEOPLE if name in found]


def demo_passwords_reset(*, password: str) -> int:
    """Give every demo user ``password``; return how many were changed."""
    return User.objects.filter(username__in=list(PEOPLE)).update(password=make_password(password))
