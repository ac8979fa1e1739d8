"""Live chat from where the viewers are: the platforms' own feeds turned into DESIGN.md chat events.

Sans-I/O cores (`bilibili_wire`, `bilibili_commands`, `douyin_push`, `webhook`, `relay`) with thin
async I/O around them (`bilibili`, `http_receiver`). Nothing here imports `stream`: the show
runtime picks sources from its config and hands them a place to put events.
"""
