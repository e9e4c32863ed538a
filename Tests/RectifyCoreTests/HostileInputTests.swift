import XCTest
@testable import RectifyCore

/// The findings of issue 10 that live in the core, each pinned down.
final class HostileInputTests: XCTestCase {
    func testGivenADateOutsideTheInputYears_whenParsed_thenItIsRefused() {
        XCTAssertNil(LocalDate(iso: "9999-12-31"))
        XCTAssertNil(LocalDate(iso: "0001-01-01"))
        XCTAssertNotNil(LocalDate(iso: "2199-12-31"))
        XCTAssertThrowsError(try JSONDecoder().decode([LocalDate].self, from: Data(#"["9999-12-31"]"#.utf8)))
    }

    func testGivenTheLastDayOfTheCalendar_whenDaysAreAdded_thenTheDateStopsThereInsteadOfTrapping() throws {
        let last = try XCTUnwrap(LocalDate(dayNumber: LocalDate.dayNumbers.upperBound))
        XCTAssertEqual(last.iso, "9999-12-31")
        XCTAssertEqual(last.adding(days: 5), last)
        XCTAssertEqual(last.adding(days: Int.max), last)
        XCTAssertEqual(last.endOfWorkingDays(5), last)
        XCTAssertNil(LocalDate(dayNumber: LocalDate.dayNumbers.upperBound + 1))
    }

    func testGivenFullWidthPunctuation_whenUnitNamesAreSplit_thenCommasSplitAndBracketsHold() {
        XCTAssertEqual(LedgerSheet.unitNames("省水利厅，省林业厅"), ["省水利厅", "省林业厅"])
        XCTAssertEqual(LedgerSheet.unitNames("省水利厅；省林业厅"), ["省水利厅", "省林业厅"])
        XCTAssertEqual(LedgerSheet.unitNames("各县（市、区）政府、省环保厅"), ["各县（市、区）政府", "省环保厅"])
    }

    func testGivenAFullWidthColon_whenAMilestoneIsRead_thenItsTextFollowsTheDate() {
        XCTAssertEqual(LedgerSheet.milestoneDescription("2018年6月底：完成方案"), "完成方案")
    }

    func testGivenAReportOfEightThousandProblems_whenParsed_thenEveryProblemIsFound() {
        // Quadratic once (3.4 s in release); linear now. The count proves the parse is whole.
        var lines: [String] = []
        for n in 1...8_000 {
            // Headings number to 999 (三位数); a long report repeats them.
            lines.append("\(n % 999 + 1). 反馈问题\(n)的原文")
            lines.append("整改进展情况:达到序时进度。")
            lines.append("标题样式的一行没有标点")
        }
        XCTAssertEqual(ReportParser.parse(lines.joined(separator: "\n")).problems.count, 8_000)
    }

    func testGivenACSVCellThatStartsWithAnApostrophe_whenWrittenAndRead_thenItKeepsIt() {
        for cell in ["'abc", "'=1+1", "=1+1", "-5", "\tx", "''", "'"] {
            XCTAssertEqual(CSV.parse(CSV.line([cell])).first?.cells, [cell], cell)
        }
    }
}
