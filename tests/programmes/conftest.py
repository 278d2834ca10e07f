import pytest

from portal.models import MentoringFormat


@pytest.fixture
def formats(school) -> dict[str, MentoringFormat]:
    return {f.name: f for f in MentoringFormat.of_school(school)}
