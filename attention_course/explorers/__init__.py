"""The course's interactive figures ("explorers"), one module per chapter.

``EXPLORERS`` maps each explorer's name to its class; the benchmark and the
tests drive every one of them without a browser.
"""
from .base import EXPLORERS, Explorer, register_explorer
from .ch00_start_here import TwoPeopleExplorer, explore_two_people
from .ch01_weighted_average import WeightedAverageExplorer, explore_weighted_average

__all__ = ["EXPLORERS", "Explorer", "register_explorer", "TwoPeopleExplorer", "explore_two_people", "WeightedAverageExplorer", "explore_weighted_average"]
