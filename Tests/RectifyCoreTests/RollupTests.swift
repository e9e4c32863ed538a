import XCTest
@testable import RectifyCore

/// The roll-up rule and the acceptance chain (issue 14), as pure functions.
final class RollupTests: XCTestCase {
    func part(_ state: TaskState, _ light: WarningLight?, _ status: PublicStatus?, _ percent: Int?) -> SubtaskFacts {
        SubtaskFacts(state: state, light: light, status: status, percent: percent)
    }

    func testWorstLightBehindIfAnyAndAMeanNeverAhead() {
        let r = Rollup.of([part(.inProgress, .green, .onSchedule, 50), part(.inProgress, .yellow, .onSchedule, 33),
                           part(.accepted, nil, .completed, nil)])
        XCTAssertEqual(r.total, 3)
        XCTAssertEqual(r.open, 3, "accepted is not closed")
        XCTAssertEqual(r.done, 1)
        XCTAssertEqual(r.percent, 61, "(50 + 33 + 100) / 3 = 61.0, rounded down")
        XCTAssertEqual(r.light, .yellow)
        XCTAssertFalse(r.behind)
        let behind = Rollup.of([part(.inProgress, .red, .behindSchedule, 10), part(.closed, nil, .completed, nil)])
        XCTAssertTrue(behind.behind)
        XCTAssertEqual(behind.open, 1)
        let own = PublicStatusWords(status: .onSchedule, longTerm: false)
        let (light, words) = behind.combine(state: .inProgress, ownLight: .green, own: own)
        XCTAssertEqual(light, .red)
        XCTAssertEqual(words.status, .behindSchedule)
        // Once the task itself is accepted, its own words stand.
        let done = behind.combine(state: .accepted, ownLight: nil, own: PublicStatusWords(status: .completed, longTerm: false))
        XCTAssertNil(done.0)
        XCTAssertEqual(done.1.status, .completed)
        // Percentages out of range cannot push the mean out of 0...100.
        XCTAssertEqual(Rollup.of([part(.inProgress, nil, nil, 500), part(.inProgress, nil, nil, -40)]).percent, 50)
        XCTAssertEqual(Rollup.of([]).percent, 0)
    }

    func testAChainGoesUpOneLevelAtATime() {
        let chain = [AcceptanceStep(level: .county, name: "县级初验"), AcceptanceStep(level: .city, name: "市级验收"),
                     AcceptanceStep(level: .province, name: "省级验收销号")]
        XCTAssertTrue(AcceptanceChain.violations(chain).isEmpty)
        XCTAssertEqual(AcceptanceChain.violations([chain[1], chain[0]]).map(\.code), ["chain.order"])
        XCTAssertEqual(AcceptanceChain.violations([chain[0], chain[0]]).map(\.code), ["chain.order"])
        XCTAssertEqual(AcceptanceChain.violations([AcceptanceStep(level: .city, name: " ")]).map(\.code), ["chain.nameRequired"])
        XCTAssertEqual(AcceptanceChain.steps(chain, acceptorLevels: [.city, .county]).map(\.name), ["县级初验", "市级验收"])
        XCTAssertEqual(AcceptanceChain.decode(AcceptanceChain.encode(chain)), chain)
        XCTAssertEqual(AcceptanceChain.decode("not json"), [])
        XCTAssertEqual(RegionLevel.of(211122), .county)
        XCTAssertEqual(RegionLevel.of(211100), .city)
        XCTAssertEqual(RegionLevel.of(210000), .province)
    }

    func testALowerStepPassesTheTaskOnAndOnlyTheLastDecidesItsVerdict() {
        let actor = ActorFacts(roles: [.acceptor], officeOverTask: false, unitRoles: [.acceptance])
        let input = ActionInput(today: LocalDate(iso: "2018-03-01")!, opinion: "同意")
        let lower = TaskFacts(state: .completionSubmitted, kind: .longTerm, acceptanceStepsLeft: 2)
        guard case .success(let d) = Lifecycle.decide(.acceptBasicallyComplete, task: lower, actor: actor, input: input) else {
            return XCTFail("a lower step may pass")
        }
        XCTAssertEqual(d.to, .completionSubmitted)
        XCTAssertFalse(d.basicallyCompleted)
        let last = TaskFacts(state: .completionSubmitted, kind: .longTerm, acceptanceStepsLeft: 1)
        guard case .success(let e) = Lifecycle.decide(.acceptBasicallyComplete, task: last, actor: actor, input: input) else {
            return XCTFail("the last step may pass")
        }
        XCTAssertEqual(e.to, .accepted)
        XCTAssertTrue(e.basicallyCompleted)
        // The wrong level's acceptor is not the acceptance unit of this step.
        let elsewhere = ActorFacts(roles: [.acceptor], officeOverTask: false, unitRoles: [.acceptance], atAcceptanceStep: false)
        guard case .failure(let r) = Lifecycle.decide(.acceptPass, task: last, actor: elsewhere, input: input) else {
            return XCTFail("another level's acceptor may not act")
        }
        XCTAssertEqual(r.kind, .forbidden)
        // A task with a part not closed goes nowhere near acceptance.
        let split = TaskFacts(state: .inProgress, kind: .timeLimited, openSubtasks: 1)
        let unit = ActorFacts(roles: [.unit], officeOverTask: false, unitRoles: [.responsible])
        guard case .failure(let s) = Lifecycle.decide(.submitCompletion, task: split, actor: unit,
                                                       input: ActionInput(today: input.today, narrative: "完成")) else {
            return XCTFail("parts still open")
        }
        XCTAssertEqual(s.code, "lifecycle.subtasksOpen")
    }
}
