import XCTest
import RectifyCore

/// The parser on every seed report, against expectations written by hand from
/// reading them, and on texts of our own in the other formats offices use.
final class ReportParserTests: XCTestCase {
    func seed(_ prefix: String) throws -> String {
        let dir = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let name = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: dir.path).first { $0.hasPrefix(prefix) })
        return try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }

    typealias S = ReportParser.Status

    func testSeed004ShanxiAndLiaoning() throws {
        let r = ReportParser.parse(try seed("004"))
        let shanxi = r.problems.filter { $0.number >= 37 }
        XCTAssertEqual(shanxi.map(\.number), Array(37...60))
        let completed: Set<Int> = [38, 42, 43, 44, 45, 46, 48, 49, 56, 57, 58]
        for p in shanxi {
            XCTAssertEqual(p.status, completed.contains(p.number) ? S.completed : .inProgress, "三十七+\(p.number - 37)")
            XCTAssertEqual(p.statusText, completed.contains(p.number) ? "已完成整改" : "正在推进整改")
            XCTAssertFalse(p.longTerm)
        }
        let p37 = shanxi[0]
        XCTAssertTrue(p37.text.hasPrefix("晋中市太榆退水渠、潇河等河流污染问题突出"), p37.text)
        XCTAssertTrue(p37.measures.hasPrefix("(一)整治黑臭水体。"), p37.measures)
        XCTAssertTrue(p37.measures.contains("平遥县污水处理厂提标扩容改造工程"))
        XCTAssertFalse(p37.measures.contains("三十八"))
        let p60 = shanxi.last!
        XCTAssertTrue(p60.measures.contains("(五)太原市"), "sub-items stay inside their problem")
        XCTAssertFalse(p60.measures.contains("辽宁省对外公开"), "the next report is not part of problem 60")

        let liaoning = r.problems.filter { $0.number < 37 }
        XCTAssertEqual(liaoning.map(\.number), [1, 2, 3])
        XCTAssertEqual(liaoning.map(\.status), [S.basicallyCompleted, .basicallyCompleted, .onSchedule])
        XCTAssertEqual(liaoning.map(\.longTerm), [true, true, false])
        XCTAssertEqual(liaoning.map(\.statusText), ["基本完成整改,长期坚持", "基本完成整改,长期坚持", "达到序时进度,持续整改"])
        XCTAssertTrue(liaoning[0].text.hasPrefix("思想认识不到位。"), liaoning[0].text)
        XCTAssertFalse(liaoning[2].measures.contains("原标题"), "the page footer is not a measure")
        XCTAssertTrue(liaoning[2].measures.hasSuffix("推进重点领域制度创新。"), String(liaoning[2].measures.suffix(40)))

        // 58项整改任务中,已有13项基本完成整改,38项按照序时进度有序推进,2项全面实施,5项尚未达到序时进度
        // 交办的6991件群众信访投诉案件,已办结6591件,办结率94%
        var expected = ReportParser.Figures()
        expected.tasksTotal = 58
        expected.basicallyCompleted = 13
        expected.onSchedule = 38
        expected.fullyImplemented = 2
        expected.behindSchedule = 5
        expected.petitionsTotal = 6991
        expected.petitionsClosed = 6591
        expected.petitionClosureRate = 94
        XCTAssertEqual(r.figures, expected)
    }

    func testSeed002Jiaozuo() throws {
        let r = ReportParser.parse(try seed("002"))
        XCTAssertEqual(r.problems, [], "its numbered sections are narrative, not problems with status lines")
        var expected = ReportParser.Figures()
        expected.tasksTotal = 46            // 46项整改任务中完成34项,其他12正在推进
        expected.completed = 34
        expected.petitionsTotal = 228       // 交办的228件群众信访举报件全部办结
        expected.petitionsClosed = 228
        XCTAssertEqual(r.figures, expected)
    }

    func testSeed003PanjinInTraditionalCharactersWithPinyin() throws {
        let raw = try seed("003")
        let lines = ReportParser.normalise(raw)
        XCTAssertTrue(lines.contains { $0.contains("关于中央环保督察反馈意见整改进展情况的汇报") })
        XCTAssertFalse(lines.joined().contains("(xiàn)"), "pinyin glosses are gone")
        let r = ReportParser.parse(raw)
        XCTAssertEqual(r.problems, [])
        var expected = ReportParser.Figures()
        expected.tasksTotal = 61            // 应完成整改61项,实际完成53项,还有8项正在整改中
        expected.completed = 53
        expected.petitionsTotal = 91        // 转办信访事项30批91件共100个问题
        XCTAssertEqual(r.figures, expected)
    }

    func testSeeds000And001StateNoProblemsAndNoCounts() throws {
        for prefix in ["000", "001"] {
            let r = ReportParser.parse(try seed(prefix))
            XCTAssertEqual(r.problems, [], prefix)
            XCTAssertEqual(r.figures, ReportParser.Figures(), prefix)
        }
    }

    /// A count before its phrase, with or without the noun between: the noun makes it the total
    /// (5个问题已完成整改3个), a bare count is the count (12个已完成整改7个基本完成).
    func testACountBeforeItsPhraseIsTheCountUnlessANounMakesItTheTotal() {
        let total = ReportParser.parse("截至2024年8月底,督察反馈的5个问题已完成整改3个,达到序时进度2个。").figures
        XCTAssertEqual(total.problemsTotal, 5)
        XCTAssertEqual(total.completed, 3)
        XCTAssertEqual(total.onSchedule, 2)
        let bare = ReportParser.parse("督察反馈的19个问题中,12个已完成整改7个基本完成。").figures
        XCTAssertEqual(bare.problemsTotal, 19)
        XCTAssertEqual(bare.completed, 12)
        XCTAssertEqual(bare.basicallyCompleted, 7)
    }

    func testOtherFormatsOfficesUse() {
        let text = """
        首页 > 信息公开 > 督察整改
        某市贯彻落实省生态环境保护督察反馈意见整改情况
        截至目前,整改方案确定的12项整改任务中,已完成整改7项,3项达到序时进度,2项未达到序时进度。
        督察组交办的120件信访件,已办结110件,阶段性办结8件,办结率91.7%。
        1.城区黑臭水体治理滞后。
        整改情况:已完成整改。
        完成截污纳管12公里。
        2、部分企业挥发性有机物治理不到位
        整改情况:整改中。
        3.秸秆焚烧管控(長期堅持)
        完成情況:基本完成整改,长期坚持
        建立網格化管理制度。
        上一条:关于开展河湖清四乱的通知
        """
        let r = ReportParser.parse(text)
        XCTAssertEqual(r.problems.map(\.number), [1, 2, 3])
        XCTAssertEqual(r.problems.map(\.status), [S.completed, .inProgress, .basicallyCompleted])
        XCTAssertEqual(r.problems[2].text, "秸秆焚烧管控(长期坚持)")
        XCTAssertEqual(r.problems[2].measures, "建立网格化管理制度。", "traditional converted; footer cut")
        XCTAssertTrue(r.problems[2].longTerm)
        XCTAssertEqual(r.figures.tasksTotal, 12)
        XCTAssertEqual(r.figures.completed, 7)
        XCTAssertEqual(r.figures.onSchedule, 3)
        XCTAssertEqual(r.figures.behindSchedule, 2)
        XCTAssertEqual(r.figures.petitionsTotal, 120)
        XCTAssertEqual(r.figures.petitionsClosed, 110)
        XCTAssertEqual(r.figures.petitionsClosedAtStage, 8)
        XCTAssertEqual(r.figures.petitionClosureRate, 91.7)
    }

    func testATextWithNoRecognisableItemsGivesNothing() {
        let r = ReportParser.parse("这是一段与整改无关的文字。\n第二段。")
        XCTAssertEqual(r.problems, [])
        XCTAssertEqual(r.figures, ReportParser.Figures())
        XCTAssertEqual(ReportParser.parse("").problems, [])
        XCTAssertEqual(ReportParser.parse("").figures, ReportParser.Figures())
    }
}
