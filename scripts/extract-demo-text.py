#!/usr/bin/env python3
"""Extract the problem texts, status lines and measures that the demo data quotes
from seed 004 (../shared/seeds). Writes Sources/RectifyServer/Resources/demo-seed-text.json.

Run once when the seeds change; the output is committed so the app never needs the
seeds at run time. The report parser proper (issue 5) lives in Swift; this is only a
dev tool that keeps the demo's quotations exact."""
import json, pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
seed = (root.parent / "shared/seeds/004_72db18747bb7c34f.txt").read_text(encoding="utf-8")

digits = "零一二三四五六七八九"
def cn(s):
    total, cur = 0, 0
    for ch in s:
        if ch == "十": total += max(cur, 1) * 10; cur = 0
        else: cur = digits.index(ch)
    return total + cur

def blocks(text, pattern):
    heads = list(re.finditer(pattern, text, re.M))
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        yield m, text[m.end():end]

def split_block(body):
    paras = [p.strip() for p in body.strip().split("\n") if p.strip()]
    text = paras[0]
    status_line = next(p for p in paras if p.startswith("整改进展情况"))
    measures = paras[paras.index(status_line) + 1:]
    return text, status_line.split(":", 1)[1].rstrip("。"), "\n".join(measures)

shanxi_part = seed[seed.index("三十七、"):seed.index("辽宁省对外公开中央环境保护督察整改情况")]
shanxi = []
for m, body in blocks(shanxi_part, r"^([一二三四五六七八九十]+)、"):
    text, status, measures = split_block(body)
    shanxi.append({"number": cn(m.group(1)), "text": text, "statusText": status, "measures": measures})

annex = seed[seed.index("督察反馈意见整改措施进展情况"):]
aspect = re.search(r"^一、(.+?)整改落实情况", annex, re.M).group(1)
liaoning = []
for m, body in blocks(annex, r"^[(（]([一二三四五六七八九十]+)[)）]反馈问题:"):
    text, status, measures = split_block(body)
    measures = measures.split("原标题:")[0].strip()
    liaoning.append({"number": cn(m.group(1)), "aspect": aspect, "text": text, "statusText": status, "measures": measures})

numbers = [p["number"] for p in shanxi]
assert numbers == list(range(37, 61)), numbers
assert [p["number"] for p in liaoning] == [1, 2, 3]
out = root / "Sources/RectifyServer/Resources/demo-seed-text.json"
out.write_text(json.dumps({"source": "shared/seeds/004_72db18747bb7c34f.txt",
                           "shanxi": shanxi, "liaoning": liaoning}, ensure_ascii=False, indent=1) + "\n",
               encoding="utf-8")
print(f"wrote {out.relative_to(root)}: {len(shanxi)} Shanxi problems, {len(liaoning)} Liaoning problems", file=sys.stderr)
