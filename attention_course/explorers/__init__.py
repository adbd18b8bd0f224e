"""The course's interactive figures ("explorers"), one module per chapter.

``EXPLORERS`` maps each explorer's name to its class; the benchmark and the
tests drive every one of them without a browser.
"""
from .base import EXPLORERS, Explorer, register_explorer
from .ch00_start_here import TwoPeopleExplorer, explore_two_people
from .ch01_weighted_average import WeightedAverageExplorer, explore_weighted_average
from .ch02_similarity import SimilarityExplorer, explore_similarity
from .ch03_softmax import ScalingExplorer, TemperatureExplorer, explore_scaling, explore_temperature
from .ch04_qkv import QKVExplorer, explore_qkv
from .ch05_self_attention import SelfAttentionExplorer, explore_self_attention
from .ch06_multi_head import MultiHeadExplorer, explore_multi_head
from .ch07_positions_masks import MaskExplorer, PositionsExplorer, explore_mask_editor, explore_positions
from .ch08_learning import TrainingExplorer, explore_training
from .ch09_beyond import (CrossAttentionExplorer, ImageAttentionExplorer, explore_cross_attention,
                          explore_image_attention)
from .ch10_cost import LocalWindowExplorer, explore_local_window

__all__ = ["EXPLORERS", "Explorer", "register_explorer", "TwoPeopleExplorer", "explore_two_people", "WeightedAverageExplorer", "explore_weighted_average",
           "SimilarityExplorer", "explore_similarity", "TemperatureExplorer", "explore_temperature",
           "ScalingExplorer", "explore_scaling", "QKVExplorer", "explore_qkv",
           "SelfAttentionExplorer", "explore_self_attention", "MultiHeadExplorer", "explore_multi_head",
           "PositionsExplorer", "explore_positions", "MaskExplorer", "explore_mask_editor",
           "TrainingExplorer", "explore_training",
           "CrossAttentionExplorer", "explore_cross_attention", "ImageAttentionExplorer", "explore_image_attention",
           "LocalWindowExplorer", "explore_local_window"]
