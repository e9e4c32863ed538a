import XCTest
import RectifyCore

/// Every action from every state, by every kind of actor: exactly the table's
/// transitions are allowed; everything else is refused with the right kind.
final class LifecycleTests: XCTestCase {
    let today = LocalDate(iso: "2018-09-28")!

    let office = ActorFacts(roles: [.office], officeOverTask: true, unitRoles: [])
    let foreignOffice = ActorFacts(roles: [.office], officeOverTask: false, unitRoles: [])
    let admin = ActorFacts(roles: [.admin], officeOverTask: false, unitRoles: [])
    let responsible = ActorFacts(roles: [.unit], officeOverTask: false, unitRoles: [.responsible])
    let cooperating = ActorFacts(roles: [.unit], officeOverTask: false, unitRoles: [.cooperating])
    let acceptor = ActorFacts(roles: [.acceptor], officeOverTask: false, unitRoles: [.acceptance])
    let strangerUnit = ActorFacts(roles: [.unit], officeOverTask: false, unitRoles: [])
    let leader = ActorFacts(roles: [.leader], officeOverTask: true, unitRoles: [])

    /// Input that satisfies every requirement, so only who and when can refuse.
    var fullInput: ActionInput {
        ActionInput(today: today, opinion: "同意", narrative: "已完成", noticeStart: LocalDate(iso: "2018-09-01"),
                    noticeEnd: LocalDate(iso: "2018-09-07"), noticeText: "公示内容", findings: "问题反弹",
                    standingObjections: 0, noticeEndsOn: LocalDate(iso: "2018-09-07"))
    }

    func party(_ p: Party) -> ActorFacts {
        switch p {
        case .office: office
        case .assignedUnit: cooperating
        case .responsibleUnit: responsible
        case .acceptanceUnit: acceptor
        }
    }

    func testExactlyTheTableIsAllowedFromEveryState() {
        for action in TaskAction.allCases {
            let t = Lifecycle.transition(for: action)
            for state in TaskState.allCases {
                for kind in TaskKind.allCases {
                    for basically in [false, true] {
                        let facts = TaskFacts(state: state, kind: kind, basicallyCompleted: basically)
                        let result = Lifecycle.decide(action, task: facts, actor: party(t.by), input: fullInput)
                        var allowed = t.from.contains(state)
                        if action == .lookBackRebound, !basically { allowed = state == .closed }
                        if action == .acceptBasicallyComplete, kind != .longTerm, allowed {
                            XCTAssertEqual(result.refusal?.code, "lifecycle.notLongTerm")
                            continue
                        }
                        if allowed {
                            XCTAssertNotNil(result.decision, "\(action) from \(state) should be allowed")
                        } else {
                            XCTAssertEqual(result.refusal?.kind, .wrongState, "\(action) from \(state) should be refused")
                        }
                    }
                }
            }
        }
    }

    func testOnlyTheRightPartyMayAct() {
        let everyone: [(String, ActorFacts)] = [("office", office), ("foreignOffice", foreignOffice), ("admin", admin),
                                                ("responsible", responsible), ("cooperating", cooperating),
                                                ("acceptor", acceptor), ("stranger", strangerUnit), ("leader", leader)]
        for action in TaskAction.allCases {
            let t = Lifecycle.transition(for: action)
            let facts = TaskFacts(state: t.from[0], kind: .longTerm, basicallyCompleted: action == .lookBackRebound)
            for (name, actor) in everyone {
                let mayAct: Bool = switch t.by {
                case .office: name == "office" || name == "admin"
                case .assignedUnit: name == "responsible" || name == "cooperating"
                case .responsibleUnit: name == "responsible"
                case .acceptanceUnit: name == "acceptor"
                }
                let result = Lifecycle.decide(action, task: facts, actor: actor, input: fullInput)
                if mayAct {
                    XCTAssertNotNil(result.decision, "\(name) may \(action)")
                } else {
                    XCTAssertEqual(result.refusal?.kind, .forbidden, "\(name) may not \(action)")
                }
            }
        }
    }

    func decide(_ a: TaskAction, _ state: TaskState, kind: TaskKind = .timeLimited, basically: Bool = false,
                by actor: ActorFacts, _ input: ActionInput) -> Result<Decision, Refusal> {
        Lifecycle.decide(a, task: TaskFacts(state: state, kind: kind, basicallyCompleted: basically), actor: actor, input: input)
    }

    func testEachRequirementIsEnforced() {
        let bare = ActionInput(today: today)
        XCTAssertEqual(decide(.submitCompletion, .inProgress, by: responsible, bare).refusal?.code, "lifecycle.narrativeRequired")
        XCTAssertEqual(decide(.acceptPass, .completionSubmitted, by: acceptor, bare).refusal?.code, "lifecycle.opinionRequired")
        XCTAssertEqual(decide(.acceptFail, .completionSubmitted, by: acceptor, ActionInput(today: today, opinion: "  ")).refusal?.code,
                       "lifecycle.opinionRequired")
        XCTAssertEqual(decide(.openNotice, .accepted, by: office, bare).refusal?.code, "lifecycle.noticeDatesRequired")
        var backwards = fullInput
        backwards.noticeEnd = LocalDate(iso: "2018-08-01")
        XCTAssertEqual(decide(.openNotice, .accepted, by: office, backwards).refusal?.code, "lifecycle.noticeEndBeforeStart")
        var noText = fullInput
        noText.noticeText = ""
        XCTAssertEqual(decide(.openNotice, .accepted, by: office, noText).refusal?.code, "lifecycle.noticeTextRequired")
        var running = fullInput
        running.noticeEndsOn = LocalDate(iso: "2018-09-28")
        XCTAssertEqual(decide(.close, .publicNotice, by: office, running).refusal?.code, "lifecycle.noticeNotOver")
        var objected = fullInput
        objected.standingObjections = 1
        XCTAssertEqual(decide(.close, .publicNotice, by: office, objected).refusal?.code, "lifecycle.objectionStanding")
        XCTAssertEqual(decide(.lookBackRebound, .closed, by: office, bare).refusal?.code, "lifecycle.findingsRequired")
    }

    func testAcceptanceVerdictsAndLookBack() {
        let basically = decide(.acceptBasicallyComplete, .completionSubmitted, kind: .longTerm, by: acceptor, fullInput)
        XCTAssertEqual(basically.decision, Decision(from: .completionSubmitted, to: .accepted, basicallyCompleted: true, rebound: false))
        XCTAssertEqual(decide(.acceptFail, .completionSubmitted, by: acceptor, fullInput).decision?.to, .inProgress)
        // A basically-complete task stays under look-back before it is closed.
        let rebound = decide(.lookBackRebound, .accepted, kind: .longTerm, basically: true, by: office, fullInput)
        XCTAssertEqual(rebound.decision, Decision(from: .accepted, to: .inProgress, basicallyCompleted: false, rebound: true))
        XCTAssertEqual(decide(.lookBackRebound, .accepted, by: office, fullInput).refusal?.kind, .wrongState)
        // Claiming again while in progress (a cooperating unit) keeps the state.
        XCTAssertEqual(decide(.claim, .inProgress, by: cooperating, fullInput).decision?.to, .inProgress)
    }
}

extension Result {
    var decision: Success? { if case .success(let s) = self { return s } else { return nil } }
    var refusal: Failure? { if case .failure(let f) = self { return f } else { return nil } }
}

final class ScheduleTests: XCTestCase {
    let d = { (s: String) in LocalDate(iso: s)! }

    func facts(deadline: String? = "2018-12-31", percent: Int? = nil, milestones: [MilestoneFact] = [],
               state: TaskState = .inProgress, kind: TaskKind = .timeLimited) -> ScheduleFacts {
        ScheduleFacts(state: state, kind: kind, start: d("2018-01-01"), deadline: deadline.map(d),
                      milestones: milestones, reportedPercent: percent)
    }

    func testPastTheDeadlineIsOverdueAndRed() {
        let a = Schedule.assess(facts(percent: 95), today: d("2019-01-01"))
        XCTAssertEqual(a?.status, .overdue)
        XCTAssertEqual(a?.light, .red)
        XCTAssertEqual(Schedule.assess(facts(percent: 95), today: d("2018-12-31"))?.light, .green, "the deadline day itself is not late")
    }

    func testAMissedMilestoneIsRed() {
        let m = [MilestoneFact(date: d("2018-06-30"), description: "完成选址", reached: false)]
        let a = Schedule.assess(facts(percent: 80, milestones: m), today: d("2018-07-01"))
        XCTAssertEqual(a?.light, .red)
        XCTAssertEqual(a?.status, .behindSchedule)
        XCTAssertTrue(a?.reason.contains("完成选址") ?? false)
        let reached = [MilestoneFact(date: d("2018-06-30"), description: "完成选址", reached: true)]
        XCTAssertEqual(Schedule.assess(facts(percent: 80, milestones: reached), today: d("2018-07-01"))?.light, .green)
    }

    func testLaggingProgressIsYellowPastTheThreshold() {
        // 2018-07-02 is day 182 of 364: half the time has gone.
        XCTAssertEqual(Schedule.assess(facts(percent: 29), today: d("2018-07-02"))?.light, .yellow)
        XCTAssertEqual(Schedule.assess(facts(percent: 30), today: d("2018-07-02"))?.light, .green)
        XCTAssertEqual(Schedule.assess(facts(percent: 29), today: d("2018-07-02"),
                                       settings: ScheduleSettings(yellowLagPoints: 30))?.light, .green)
        XCTAssertEqual(Schedule.assess(facts(percent: nil), today: d("2018-02-01"))?.light, .green, "early days need no report")
    }

    func testLongTermTasksAreJudgedByMilestonesOnly() {
        XCTAssertEqual(Schedule.assess(facts(deadline: nil, kind: .longTerm), today: d("2030-01-01"))?.light, .green)
        let m = [MilestoneFact(date: d("2019-12-31"), description: "建立长效机制", reached: false)]
        XCTAssertEqual(Schedule.assess(facts(deadline: nil, milestones: m, kind: .longTerm), today: d("2020-01-01"))?.light, .red)
    }

    func testFinishedTasksHaveNoLight() {
        for state in [TaskState.accepted, .publicNotice, .closed] {
            XCTAssertNil(Schedule.assess(facts(state: state), today: d("2030-01-01")))
        }
        XCTAssertEqual(Schedule.assess(facts(state: .completionSubmitted), today: d("2030-01-01"))?.light, .green)
    }

    /// The words of seed 004's status lines come out of the one mapping.
    func testPublicWordsMatchThePublishedReports() {
        let onTime = Schedule.assess(facts(), today: d("2018-02-01"))
        let late = Schedule.assess(facts(), today: d("2019-02-01"))
        // 辽宁 (一): 整改进展情况:基本完成整改,长期坚持。
        let one = PublicStatusWords.of(state: .accepted, kind: .longTerm, basicallyCompleted: true, assessment: nil)
        XCTAssertEqual(one.text, "基本完成整改,长期坚持")
        XCTAssertEqual(PublicStatus(reportedWords: "基本完成整改,长期坚持"), one.status)
        // 辽宁 (三): 整改进展情况:达到序时进度,持续整改。
        let three = PublicStatusWords.of(state: .inProgress, kind: .timeLimited, basicallyCompleted: false, assessment: onTime)
        XCTAssertEqual(three.text, "达到序时进度")
        XCTAssertEqual(PublicStatus(reportedWords: "达到序时进度,持续整改"), three.status)
        // 山西 三十八: 整改进展情况:已完成整改。
        let closed = PublicStatusWords.of(state: .closed, kind: .timeLimited, basicallyCompleted: false, assessment: nil)
        XCTAssertEqual(closed.text, "已完成整改")
        // 辽宁: 5项尚未达到序时进度
        let behind = PublicStatusWords.of(state: .inProgress, kind: .timeLimited, basicallyCompleted: false, assessment: late)
        XCTAssertEqual(behind.text, "未达到序时进度")
        XCTAssertEqual(PublicStatus(reportedWords: "尚未达到序时进度"), behind.status)
        let ongoing = PublicStatusWords.of(state: .inProgress, kind: .longTerm, basicallyCompleted: false, assessment: onTime)
        XCTAssertEqual(ongoing.text, "达到序时进度,长期坚持")
    }

    func testWorkingDaysAndDateArithmetic() {
        XCTAssertEqual(d("2018-09-28").weekday, 5)   // a Friday
        XCTAssertEqual(d("1970-01-01").weekday, 4)   // a Thursday
        XCTAssertEqual(d("2018-09-28").endOfWorkingDays(5), d("2018-10-04"))
        XCTAssertEqual(d("2018-09-29").endOfWorkingDays(5), d("2018-10-05"), "a notice opened on Saturday starts Monday")
        XCTAssertEqual(d("2024-03-01") - d("2024-02-28"), 2)
        for n in stride(from: -700_000, through: 2_000_000, by: 997) {
            XCTAssertEqual(LocalDate(dayNumber: n)?.dayNumber, n)
        }
    }
}
