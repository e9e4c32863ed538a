import XCTest
@testable import RectifyCore

final class DeadlinePhraseTests: XCTestCase {
    func d(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }

    func testThePhrasesOfficesWrite() {
        let cases: [(String, String?, TaskKind)] = [
            ("2018年12月底前", "2018-12-31", .timeLimited),
            ("2019年6月30日", "2019-06-30", .timeLimited),
            ("2020年底", "2020-12-31", .timeLimited),
            ("2020年底前", "2020-12-31", .timeLimited),
            ("2019-06-30", "2019-06-30", .timeLimited),
            ("2019/6/3", "2019-06-03", .timeLimited),
            ("2019.6.30", "2019-06-30", .timeLimited),
            ("2019年2月底前", "2019-02-28", .timeLimited),
            ("2019年上半年", "2019-06-30", .timeLimited),
            ("2019年第三季度", "2019-09-30", .timeLimited),
            ("2019年6月中旬", "2019-06-20", .timeLimited),
            ("２０１９年６月３０日前", "2019-06-30", .timeLimited),
            ("二〇一八年十二月底前", "2018-12-31", .timeLimited),
            ("2018年底前完成阶段任务,2020年6月底前全面完成", "2020-06-30", .timeLimited),
            ("长期坚持", nil, .longTerm),
            ("2018年12月底前完成,长期坚持", "2018-12-31", .longTerm),
            ("立行立改", "2018-03-01", .immediate),
            ("立行立改,2018年4月底前完成", "2018-04-30", .immediate),
        ]
        for (text, iso, kind) in cases {
            let r = DeadlinePhrase.read(text, immediateBy: d("2018-03-01"))
            XCTAssertEqual(r?.deadline?.iso, iso, text)
            XCTAssertEqual(r?.kind, kind, text)
        }
    }

    func testWhatIsNotADeadline() {
        for text in ["", "尽快", "年底", "12月底", "2019年13月", "20190", "按要求完成"] {
            XCTAssertNil(DeadlinePhrase.read(text, immediateBy: d("2018-03-01")), text)
        }
        // 立行立改 with no date and no plan date to stand for it.
        XCTAssertNil(DeadlinePhrase.read("立行立改", immediateBy: nil))
    }
}

final class LedgerSheetTests: XCTestCase {
    func testHeaderFoundUnderATitleRowWithVariantNames() throws {
        let rows = [["××市中央生态环境保护督察反馈问题整改台账"], [],
                    ["序 号", "督察反馈问题", "整改任务", "牵头单位", "配合单位", "完成时限", "备注"]]
        let h = try LedgerSheet.header(rows)
        XCTAssertEqual(h.rowIndex, 2)
        XCTAssertEqual(h.columns[.number], 0)
        XCTAssertEqual(h.columns[.problem], 1)
        XCTAssertEqual(h.columns[.responsible], 3)
        XCTAssertEqual(h.columns[.deadline], 5)
        XCTAssertEqual(h.ignored, ["备注"])
    }

    func testMissingColumnsAreNamed() {
        XCTAssertThrowsError(try LedgerSheet.header([["序号", "整改任务", "备注"]])) {
            let v = ($0 as? ValidationFailure)?.violations.first
            XCTAssertEqual(v?.code, "ledger.columnsMissing")
            XCTAssertTrue(v?.message.contains("责任单位") ?? false, v?.message ?? "")
            XCTAssertTrue(v?.message.contains("整改时限") ?? false)
        }
        XCTAssertThrowsError(try LedgerSheet.header([["姓名", "电话"]])) {
            XCTAssertEqual(($0 as? ValidationFailure)?.violations.first?.code, "ledger.noHeader")
        }
    }

    func testRowsReadWithTheirProblems() throws {
        let cells = [
            ["序号", "反馈问题", "整改任务", "责任单位", "配合单位", "完成时限", "阶段目标", "完成情况"],
            ["1", "三十七、辽河流域污染问题突出", "整治入河排污口", "盘锦市人民政府、各县(市、区)政府", "省生态环境厅", "2018年12月底前",
             "2018年6月30日:完成排查(已完成)\n2018年9月底前完成一半", "达到序时进度"],
            ["", "", "", "", "", "", "", ""],
            ["2.0", "(二)秸秆焚烧", "禁烧", "盘锦市人民政府", "", "尽快", "", "很好"],
            ["1", "", "", "", "", "长期坚持", "没有日期", ""],
        ]
        let h = try LedgerSheet.header(cells)
        let rows = LedgerSheet.rows(cells, lines: [1, 2, 3, 4, 5], header: h, immediateBy: nil)
        XCTAssertEqual(rows.map(\.line), [2, 4, 5])

        let a = rows[0]
        XCTAssertEqual(a.number, 1)
        XCTAssertEqual(a.problemNumber, 37)
        XCTAssertEqual(a.problemText, "辽河流域污染问题突出")
        XCTAssertEqual(a.units[.responsible], ["盘锦市人民政府", "各县(市、区)政府"])
        XCTAssertEqual(a.units[.cooperating], ["省生态环境厅"])
        XCTAssertEqual(a.deadline, .init(deadline: LocalDate(iso: "2018-12-31"), kind: .timeLimited))
        XCTAssertEqual(a.milestones, [Milestone(date: LocalDate(iso: "2018-06-30")!, description: "完成排查"),
                                      Milestone(date: LocalDate(iso: "2018-09-30")!, description: "2018年9月底前完成一半")])
        XCTAssertEqual(a.status, .onSchedule)
        XCTAssertEqual(a.violations.map(\.code), ["ledger.numberDuplicate"])

        let b = rows[1]
        XCTAssertEqual(b.number, 2)
        XCTAssertEqual(b.problemNumber, 2)
        XCTAssertEqual(Set(b.violations.map(\.code)), ["ledger.deadlineUnreadable", "ledger.statusUnreadable"])

        let c = rows[2]
        XCTAssertEqual(Set(c.violations.map(\.code)),
                       ["ledger.numberDuplicate", "ledger.titleMissing", "ledger.responsibleMissing", "ledger.milestoneUnreadable"])
        XCTAssertEqual(c.deadline?.kind, .longTerm)
    }

    func testUnitNamesSplitOutsideBrackets() {
        XCTAssertEqual(LedgerSheet.unitNames("省生态环境厅,省住房城乡建设厅;各市政府\n省水利厅、省水利厅"),
                       ["省生态环境厅", "省住房城乡建设厅", "各市政府", "省水利厅"])
        XCTAssertEqual(LedgerSheet.unitNames("各县(市、区)政府【含开发区、新区】"), ["各县(市、区)政府【含开发区、新区】"])
    }
}

final class CSVParseTests: XCTestCase {
    func testReadsWhatTheExportWrites() {
        let rows = [["序号", "整改措施", "备注"], ["1", "第一步,排查\n第二步:\"清理\"", "=SUM(A1)"], ["2", "", "-5"]]
        let text = CSV.byteOrderMark + rows.map(CSV.line).joined()
        let parsed = CSV.parse(text)
        XCTAssertEqual(parsed.map(\.cells), rows)
        XCTAssertEqual(parsed.map(\.line), [1, 2, 4])
    }

    func testLFOnlyAndNoFinalNewline() {
        XCTAssertEqual(CSV.parse("a,b\n1,2").map(\.cells), [["a", "b"], ["1", "2"]])
        XCTAssertEqual(CSV.parse("a,\"b\"\"c\"").map(\.cells), [["a", "b\"c"]])
        XCTAssertEqual(CSV.parse("").count, 0)
    }
}
