"""Member units by any name they go by, and the closest names for one that matches none."""
from core.unit_names import UnitNames

UNITS = UnitNames([
    (17, "区住更局", ["武汉市硚口区住房和城市更新局", "硚口区住房和城市更新局", "硚口区住更局"]),
    (19, "区市场监管局", ["武汉市硚口区市场监督管理局", "硚口区市场监督管理局"]),
    (4, "区经科局", ["武汉市硚口区经科局"]),
    (31, "易家街道办事处", ["易家街道", "易家街"]),
])


def test_a_unit_is_found_by_its_name_full_name_or_abbreviation_whatever_the_spaces():
    assert UNITS.find("区住更局") == 17
    assert UNITS.find("武汉市硚口区住房和城市更新局") == 17
    assert UNITS.find(" 硚口区 住更局\u3000") == 17
    assert UNITS.find("易家街") == 31
    assert UNITS.find("区住建局") is None and UNITS.find("") is None and UNITS.find(None) is None


def test_an_unknown_name_gets_the_closest_units_by_their_own_names():
    assert UNITS.closest("区市场监督局")[0] == "区市场监管局"
    assert UNITS.closest("硚口区住房和城乡建设局")[0] == "区住更局"
    assert UNITS.closest("经科局") == ["区经科局"]
    assert UNITS.closest("区气象局") == []
