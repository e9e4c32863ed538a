import XCTest
import RectifyCore

/// Each validation rule of issue 2 §2, pinned down by its stable code.
final class ValidationTests: XCTestCase {
    let d = { (s: String) in LocalDate(iso: s)! }

    func task(kind: TaskKind = .timeLimited, deadline: String? = "2018-12-31",
              assignments: [UnitAssignment] = [.init(unitID: 1, role: .responsible)],
              milestones: [Milestone] = [], number: Int = 1) -> TaskDraft {
        TaskDraft(number: number, title: "整治黑臭水体", kind: kind, deadline: deadline.map(d),
                  assignments: assignments, milestones: milestones)
    }

    func codes(_ v: [Violation]) -> [String] { v.map(\.code) }

    func testAValidTaskHasNoViolations() {
        XCTAssertEqual(task().violations(existingNumbers: [2, 3]), [])
    }

    func testATaskNeedsAResponsibleUnit() {
        let draft = task(assignments: [.init(unitID: 1, role: .cooperating), .init(unitID: 2, role: .acceptance)])
        XCTAssertEqual(codes(draft.violations(existingNumbers: [])), ["task.responsibleUnitRequired"])
    }

    func testATaskNeedsADeadlineUnlessLongTerm() {
        XCTAssertEqual(codes(task(deadline: nil).violations(existingNumbers: [])), ["task.deadlineRequired"])
        XCTAssertEqual(codes(task(kind: .immediate, deadline: nil).violations(existingNumbers: [])), ["task.deadlineRequired"])
        XCTAssertEqual(task(kind: .longTerm, deadline: nil).violations(existingNumbers: []), [])
    }

    func testNoMilestoneAfterTheDeadline() {
        let draft = task(milestones: [.init(date: d("2018-06-30"), description: "完成选址"),
                                      .init(date: d("2019-01-31"), description: "建成投运")])
        let v = draft.violations(existingNumbers: [])
        XCTAssertEqual(codes(v), ["task.milestoneAfterDeadline"])
        XCTAssertTrue(v[0].message.contains("建成投运"), v[0].message)
        // A milestone on the deadline itself is fine.
        XCTAssertEqual(task(milestones: [.init(date: d("2018-12-31"), description: "完成")]).violations(existingNumbers: []), [])
    }

    func testTaskNumbersAreUniqueWithinAnInspection() {
        XCTAssertEqual(codes(task(number: 7).violations(existingNumbers: [7])), ["task.numberDuplicate"])
    }

    func testEveryViolationIsReportedAtOnce() {
        var draft = task(deadline: nil, assignments: [], number: 5)
        draft.title = "  "
        let v = draft.violations(existingNumbers: [5])
        XCTAssertEqual(Set(codes(v)), ["task.numberDuplicate", "task.titleRequired",
                                       "task.responsibleUnitRequired", "task.deadlineRequired"])
        XCTAssertTrue(v.allSatisfy { !$0.message.isEmpty && $0.message.unicodeScalars.contains { $0.value > 0x4E00 } },
                      "every message is in Chinese")
    }

    func testUnknownUnitsAndForeignProblemsAreRefused() {
        var draft = task()
        draft.problemIDs = [9]
        let v = draft.violations(existingNumbers: [], unitExists: { $0 != 1 }, problemBelongs: { $0 != 9 })
        XCTAssertEqual(Set(codes(v)), ["task.unitUnknown", "task.problemUnknown"])
    }

    func inspection(from: String?, until: String?, feedback: String?) -> InspectionDraft {
        InspectionDraft(title: "第一轮中央环境保护督察", level: .central, round: 1, kind: .routine,
                        team: "中央第三环境保护督察组", targetRegionCode: 210000,
                        stationedFrom: from.map(d), stationedUntil: until.map(d), feedbackDate: feedback.map(d))
    }

    func testStationedUntilMayNotPrecedeStationedFrom() {
        let v = inspection(from: "2017-05-25", until: "2017-04-25", feedback: nil).violations { _ in true }
        XCTAssertEqual(codes(v), ["inspection.stationedUntilBeforeFrom"])
        XCTAssertEqual(inspection(from: "2017-04-25", until: "2017-04-25", feedback: nil).violations { _ in true }, [])
    }

    func testFeedbackMayNotPrecedeTheStay() {
        let v = inspection(from: "2017-04-25", until: "2017-05-25", feedback: "2017-04-01").violations { _ in true }
        XCTAssertEqual(codes(v), ["inspection.feedbackBeforeStationed"])
        XCTAssertEqual(inspection(from: "2017-04-25", until: "2017-05-25", feedback: "2017-07-31").violations { _ in true }, [])
    }

    func testInspectionNeedsAKnownRegionATitleAndATeam() {
        var draft = inspection(from: nil, until: nil, feedback: nil)
        draft.title = ""
        draft.team = ""
        draft.round = 0
        let v = draft.violations { $0 == 110000 }
        XCTAssertEqual(Set(codes(v)), ["inspection.titleRequired", "inspection.teamRequired",
                                       "inspection.roundInvalid", "inspection.regionUnknown"])
    }

    func testProblemNumbersAreUniqueAndTextIsRequired() {
        let draft = ProblemDraft(number: 37, text: "", regionCodes: [140700, 999999])
        let v = draft.violations(existingNumbers: [37], regionExists: { RegionCatalog.byCode[$0] != nil })
        XCTAssertEqual(Set(codes(v)), ["problem.numberDuplicate", "problem.textRequired", "problem.regionUnknown"])
        XCTAssertTrue(v.first { $0.code == "problem.numberDuplicate" }!.message.contains("三十七"))
    }

    func testAccountRules() {
        XCTAssertEqual(AccountRules.loginViolations("office"), [])
        XCTAssertEqual(AccountRules.loginViolations("整改办").map(\.code), ["user.loginInvalid"])
        XCTAssertEqual(AccountRules.loginViolations("a").map(\.code), ["user.loginInvalid"])
        XCTAssertEqual(AccountRules.passwordViolations("short").map(\.code), ["user.passwordTooShort"])
        XCTAssertEqual(AccountRules.passwordViolations("long enough"), [])
    }

    func testUnitNeedsANameAndAKnownRegion() {
        let v = UnitDraft(name: "", kind: .department, regionCode: 1).violations(regionExists: { _ in false }, nameTaken: false)
        XCTAssertEqual(Set(codes(v)), ["unit.nameRequired", "unit.regionUnknown"])
        let taken = UnitDraft(name: "辽宁省生态环境厅", kind: .department, regionCode: 210000)
            .violations(regionExists: { _ in true }, nameTaken: true)
        XCTAssertEqual(codes(taken), ["unit.nameTaken"])
    }
}
