"""What a viewer's situation calls for, as the kinds of product that answer it ("手冻得疼" ->
暖手宝, 手套; "手机老没电" -> 充电宝; "过年家里贴的" -> 春联). A table of everyday needs in a
Chinese live room, not of one shop: each need lists product words in the order a host would
reach for them; `for_need` keeps the shop's in-stock products whose titles carry one.
"""
from __future__ import annotations

import re

from .catalog import Product

NEEDS: tuple[tuple[re.Pattern, tuple[str, ...]], ...] = tuple((re.compile(p), words) for p, words in (
    (r"手冰|手冷|手凉|冻手|手冻|暖手|手.{0,3}冻|捂手", ("暖手", "手套", "护手")),
    (r"烤脚|烤火|取暖|屋里冷|屋冷|家里冷|房间冷|屋里.{0,3}冷|暖气不|没暖气|没有暖气|桌子?底下.{0,6}(?:冷|烤|暖)",
     ("暖风", "取暖", "油汀", "电暖", "暖气", "电热")),
    (r"脚冰|脚冷|脚凉|冻脚|暖脚|脚.{0,3}冻", ("暖脚", "靴", "袜", "棉鞋", "鞋")),
    (r"没电|冇电|电不够|电量|续航不|掉电|充电|手机.{0,4}电", ("充电宝", "充电器", "数据线")),
    (r"过年|春节|新年|年货|贴的|贴门|拜年", ("春联", "福字", "年货", "礼盒", "礼包")),
    (r"被窝|睡觉.{0,3}冷|床.{0,6}冷|冷.{0,6}床|睡不暖|盖的", ("电热毯", "被", "四件套", "毯")),
    (r"怕冷|暖和|御寒|保暖|冬天|零下|冻得|好冷|太冷|冷死", ("羽绒", "保暖", "加厚", "棉袄", "电热", "加绒", "暖")),
    (r"喝水|泡茶|办公室", ("杯", "壶")),
    (r"出差|旅行|旅游|出门", ("充电宝", "充电器", "便携", "旅行")),
    (r"睡不好|失眠|睡觉|床", ("四件套", "被", "枕", "电热毯", "窗帘")),
    (r"皮肤干|干皮|起皮|保湿|皴|干裂|裂口", ("保湿", "面霜", "护手", "护肤", "润")),
    (r"潮湿|回南天|发霉|返潮|湿气|湿漉漉", ("除湿", "抽湿", "干燥")),
    (r"闷热|好热|太热|热死|出汗|流汗|夏天|晒", ("风扇", "防晒", "冰丝", "凉感")),
    (r"嘴馋|追剧|解馋|零嘴|小零食", ("零食", "坚果", "肉干", "果干", "牛肉", "红肠", "饼干")),
    (r"提神|犯困|熬夜|困了", ("咖啡", "茶")),
    (r"做饭|炒菜|下饭|煮饭|蒸饭", ("米", "酱", "锅", "调料", "底料")),
))


def for_need(products: tuple[Product, ...] | list[Product], text: str) -> list[Product]:
    """In-stock products whose titles answer the first need the text describes that the shop serves."""
    for pattern, words in NEEDS:
        if pattern.search(text):
            found = {p.sku: p for w in words for p in products if w in p.title and not p.sold_out}
            if found:
                return list(found.values())
    return []


__all__ = ["NEEDS", "for_need"]
