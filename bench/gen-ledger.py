#!/usr/bin/env python3
"""Writes a synthetic ledger CSV in an office's own headings for the import and export
benchmarks (issue 5 §7): N tasks over N/10 feedback problems, units taken from the
database, deadlines in the phrases offices write, milestones on every other task.
    gen-ledger.py ROWS UNITS_FILE [FIRST] > ledger.csv
UNITS_FILE: one unit name a line; FIRST: the first 序号 (default 1), so a large
ledger can be written as several files under the 20 MB a file may have.
"""
import csv, random, sys

rows, units_file = int(sys.argv[1]), sys.argv[2]
first = int(sys.argv[3]) if len(sys.argv) > 3 else 1
units = [u.strip() for u in open(units_file, encoding="utf-8") if u.strip()]
rnd = random.Random(20181231 + first)
phrases = ["{y}年12月底前", "{y}年6月30日", "{y}年底", "长期坚持", "{y}年{m}月底前完成,长期坚持", "立行立改", "{y}-{m:02d}-28"]
out = csv.writer(sys.stdout, lineterminator="\r\n")
sys.stdout.write("\ufeff")
out.writerow(["某省中央生态环境保护督察反馈问题整改台账"])
out.writerow(["序号", "反馈问题", "整改任务", "整改目标", "整改措施", "牵头单位", "配合单位", "验收单位",
              "责任领导", "完成时限", "阶段目标", "完成情况"])
statuses = ["", "", "达到序时进度", "未达到序时进度", "已完成", "基本完成"]
for i in range(first, first + rows):
    p = (i - 1) // 10 + 1
    y, m = 2018 + i % 3, 1 + i % 12
    phrase = rnd.choice(phrases).format(y=y, m=m)
    milestone = f"{y - 1}年{m}月{10 + i % 18}日:完成第{i}项任务的排查和方案编制" if i % 2 == 0 and "长期" not in phrase and "立行" not in phrase else ""
    out.writerow([
        i, f"第{p}个问题:某流域水污染问题突出,部分污水处理设施不能稳定运行,问题编号{p}。",
        f"整治第{i}项突出环境问题", f"第{i}项问题得到有效整治,水质稳定达标", "开展排查;制定方案;组织整治;验收销号。" * 3,
        rnd.choice(units), "、".join(rnd.sample(units, 2)), rnd.choice(units), f"副省长{i % 7}",
        phrase, milestone, rnd.choice(statuses)])
