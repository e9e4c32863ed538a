import XCTest
import RectifyCore

final class OfficialReportTests: XCTestCase {
    /// Seed 004, word for word.
    func testTheCountSentenceReadsAsLiaoningsReport() {
        let sentence = OfficialReport.countSentence(total: 58, counts: [.basicallyCompleted: 13, .onSchedule: 38,
                                                                        .fullyImplemented: 2, .behindSchedule: 5])
        XCTAssertEqual(sentence, "《整改方案》58项整改任务中,已有13项基本完成整改,38项按照序时进度有序推进,2项全面实施,5项尚未达到序时进度")
    }

    func testOnlyNonZeroPartsAreNamed() {
        XCTAssertEqual(OfficialReport.countSentence(total: 46, counts: [.completed: 34, .inProgress: 12, .behindSchedule: 0]),
                       "《整改方案》46项整改任务中,已有34项完成整改,12项正在推进整改")
        XCTAssertEqual(OfficialReport.countSentence(total: 3, counts: [:]), "《整改方案》3项整改任务均已部署推进")
    }

    func testAProblemIsAsFarAlongAsItsLeastAdvancedTask() {
        XCTAssertEqual(OfficialReport.statusWords(of: [.completed, .completed], longTerm: false), "已完成整改")
        XCTAssertEqual(OfficialReport.statusWords(of: [.completed, .onSchedule], longTerm: false), "达到序时进度")
        XCTAssertEqual(OfficialReport.statusWords(of: [.basicallyCompleted], longTerm: true), "基本完成整改,长期坚持")
        XCTAssertEqual(OfficialReport.statusWords(of: [.onSchedule, .behindSchedule, nil], longTerm: false), "未达到序时进度")
        XCTAssertEqual(OfficialReport.statusWords(of: [nil], longTerm: false), "正在推进整改")
    }

    func testTheTextOpensWithTheFactsAndListsProblemsInNumberOrder() {
        let report = OfficialReport(
            title: "第一轮中央环境保护督察(辽宁省)", team: "中央第三环境保护督察组", regionName: "辽宁省",
            stationedFrom: LocalDate(iso: "2017-04-25"), stationedUntil: LocalDate(iso: "2017-05-25"),
            feedbackDate: LocalDate(iso: "2017-07-31"), asOf: "2018年9月28日", tasksTotal: 58,
            counts: [.basicallyCompleted: 13, .onSchedule: 38, .fullyImplemented: 2, .behindSchedule: 5],
            problems: [.init(number: 37, text: "晋中市太榆退水渠污染问题突出。", statusWords: "正在推进整改", narratives: ["已建成污水处理站。"])])
        XCTAssertTrue(report.opening.hasPrefix("2017年4月25日至2017年5月25日,中央第三环境保护督察组对辽宁省开展了生态环境保护督察,并于2017年7月31日反馈了督察意见。截至2018年9月28日,《整改方案》58项整改任务中,已有13项基本完成整改"), report.opening)
        XCTAssertTrue(report.text.contains("三十七、晋中市太榆退水渠污染问题突出。\n整改进展情况:正在推进整改。\n已建成污水处理站。"), report.text)
    }
}
