import Fluent
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// Every write goes through Store: valid drafts are stored whole, invalid ones are
/// refused with every violation and leave the database as it was.
final class StoreTests: XCTestCase {
    struct Fixture {
        let store: Store
        let inspectionID: Int
        let problemID: Int
        let responsible: Int
        let acceptor: Int
    }

    func given(_ app: Application) async throws -> Fixture {
        let store = Store(db: app.db)
        let inspection = try await store.createInspection(InspectionDraft(
            title: "第一轮中央环境保护督察(辽宁省)", level: .central, round: 1, kind: .routine,
            team: "中央第三环境保护督察组", targetRegionCode: 210000,
            stationedFrom: LocalDate(iso: "2017-04-25"), stationedUntil: LocalDate(iso: "2017-05-25"),
            feedbackDate: LocalDate(iso: "2017-07-31")))
        let problem = try await store.createProblem(inspectionID: inspection.id!, ProblemDraft(
            number: 3, aspect: "思想认识", text: "实施方案出台滞后", regionCodes: [210000, 211400]))
        let a = try await store.createUnit(UnitDraft(name: "辽宁省发展和改革委员会", kind: .department, regionCode: 210000))
        let b = try await store.createUnit(UnitDraft(name: "辽宁省环境保护厅", kind: .department, regionCode: 210000))
        return Fixture(store: store, inspectionID: inspection.id!, problemID: problem.id!, responsible: a.id!, acceptor: b.id!)
    }

    func draft(_ f: Fixture, number: Int = 1) -> TaskDraft {
        TaskDraft(number: number, title: "落实生态文明建设实施方案", target: "三个月内制定实施方案", measures: "制定方案",
                  kind: .timeLimited, deadline: LocalDate(iso: "2018-12-31"), leadOfficial: "副省长",
                  problemIDs: [f.problemID],
                  assignments: [.init(unitID: f.responsible, role: .responsible), .init(unitID: f.acceptor, role: .acceptance)],
                  milestones: [.init(date: LocalDate(iso: "2017-11-30")!, description: "制定贯彻落实意见")],
                  tags: [.ecology, .other], typical: true, progressStatus: .onSchedule)
    }

    func counts(_ app: Application) async throws -> [Int] {
        [try await TaskRecord.query(on: app.db).count(), try await TaskUnit.query(on: app.db).count(),
         try await TaskMilestone.query(on: app.db).count(), try await TaskTag.query(on: app.db).count(),
         try await TaskProblem.query(on: app.db).count()]
    }

    func assertRefused(_ codes: Set<String>, _ work: () async throws -> Void,
                       file: StaticString = #filePath, line: UInt = #line) async {
        do {
            try await work()
            XCTFail("expected refusal with \(codes)", file: file, line: line)
        } catch let failure as ValidationFailure {
            XCTAssertEqual(Set(failure.violations.map(\.code)), codes, file: file, line: line)
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
    }

    func testAValidTaskIsStoredWithItsUnitsMilestonesTagsAndProblems() async throws {
        try await withApp { app in
            let f = try await given(app)
            let task = try await f.store.createTask(inspectionID: f.inspectionID, draft(f))
            let stored = try await TaskRecord.query(on: app.db).filter(\.$id == task.id!)
                .with(\.$assignments).with(\.$milestones).with(\.$tags).first()
            let t = try XCTUnwrap(stored)
            XCTAssertEqual(t.deadline, "2018-12-31")
            XCTAssertEqual(t.progressStatus, .onSchedule)
            XCTAssertEqual(t.state, .assigned)
            XCTAssertTrue(t.typical)
            XCTAssertEqual(Set(t.assignments.map(\.role)), ["responsible", "acceptance"])
            XCTAssertEqual(t.milestones.map(\.date), ["2017-11-30"])
            XCTAssertEqual(Set(t.tags.map(\.tag)), ["ecology", "other"])
            let links = try await TaskProblem.query(on: app.db).filter(\.$task.$id == task.id!).all(\.$problem.$id)
            XCTAssertEqual(links, [f.problemID])
        }
    }

    func testATaskWithoutAResponsibleUnitIsRefusedAndNothingIsStored() async throws {
        try await withApp { app in
            let f = try await given(app)
            var d = draft(f)
            d.assignments = [.init(unitID: f.acceptor, role: .acceptance)]
            let before = try await counts(app)
            await assertRefused(["task.responsibleUnitRequired"]) { _ = try await f.store.createTask(inspectionID: f.inspectionID, d) }
            let after = try await counts(app)
            XCTAssertEqual(after, before)
        }
    }

    func testDeadlineMilestoneAndNumberRulesAreEnforcedOnTheWayIn() async throws {
        try await withApp { app in
            let f = try await given(app)
            _ = try await f.store.createTask(inspectionID: f.inspectionID, draft(f, number: 1))
            let before = try await counts(app)

            var noDeadline = draft(f, number: 2)
            noDeadline.deadline = nil
            noDeadline.milestones = []
            await assertRefused(["task.deadlineRequired"]) { _ = try await f.store.createTask(inspectionID: f.inspectionID, noDeadline) }

            var lateMilestone = draft(f, number: 2)
            lateMilestone.milestones = [.init(date: LocalDate(iso: "2019-06-30")!, description: "建成投运")]
            await assertRefused(["task.milestoneAfterDeadline"]) { _ = try await f.store.createTask(inspectionID: f.inspectionID, lateMilestone) }

            await assertRefused(["task.numberDuplicate"]) { _ = try await f.store.createTask(inspectionID: f.inspectionID, self.draft(f, number: 1)) }

            var strangers = draft(f, number: 2)
            strangers.assignments.append(.init(unitID: 9_999, role: .cooperating))
            strangers.problemIDs = [9_999]
            await assertRefused(["task.unitUnknown", "task.problemUnknown"]) { _ = try await f.store.createTask(inspectionID: f.inspectionID, strangers) }

            let after = try await counts(app)
            XCTAssertEqual(after, before)

            var longTerm = draft(f, number: 2)
            longTerm.kind = .longTerm
            longTerm.deadline = nil
            longTerm.milestones = []
            _ = try await f.store.createTask(inspectionID: f.inspectionID, longTerm)
        }
    }

    func testInspectionDatesAreCheckedAndNothingInvalidIsStored() async throws {
        try await withApp { app in
            let store = Store(db: app.db)
            func draft(_ from: String, _ until: String, _ feedback: String, region: Int = 210000) -> InspectionDraft {
                InspectionDraft(title: "督察", level: .provincial, round: 2, kind: .routine, team: "督察组",
                                targetRegionCode: region, stationedFrom: LocalDate(iso: from),
                                stationedUntil: LocalDate(iso: until), feedbackDate: LocalDate(iso: feedback))
            }
            await assertRefused(["inspection.stationedUntilBeforeFrom"]) {
                _ = try await store.createInspection(draft("2023-11-24", "2023-10-31", "2024-03-27"))
            }
            await assertRefused(["inspection.feedbackBeforeStationed"]) {
                _ = try await store.createInspection(draft("2023-10-31", "2023-11-24", "2023-10-01"))
            }
            await assertRefused(["inspection.regionUnknown"]) {
                _ = try await store.createInspection(draft("2023-10-31", "2023-11-24", "2024-03-27", region: 150399))
            }
            let stored = try await Inspection.query(on: app.db).count()
            XCTAssertEqual(stored, 0)
            let wuhai = try await store.createInspection(draft("2023-10-31", "2023-11-24", "2024-03-27", region: 150300))
            XCTAssertEqual(wuhai.stationedFrom, "2023-10-31")
        }
    }

    func testProblemNumbersAreUniqueWithinAnInspection() async throws {
        try await withApp { app in
            let f = try await given(app)
            await assertRefused(["problem.numberDuplicate"]) {
                _ = try await f.store.createProblem(inspectionID: f.inspectionID, ProblemDraft(number: 3, text: "另一个问题"))
            }
            let regions = try await ProblemRegion.query(on: app.db).count()
            XCTAssertEqual(regions, 2)
        }
    }

    func testPasswordsAreStoredOnlyAsBcryptHashes() async throws {
        try await withApp { app in
            let f = try await given(app)
            let hasher = app.password
            let user = try await f.store.createUser(displayName: "王静", login: "wang", password: "correct horse",
                                                    unitID: f.responsible, roles: [.unit, .leader]) { try hasher.hash($0) }
            XCTAssertTrue(user.passwordHash.hasPrefix("$2"))
            XCTAssertFalse(user.passwordHash.contains("correct horse"))
            XCTAssertTrue(try app.password.verify("correct horse", created: user.passwordHash))
            XCTAssertEqual(user.rolesText, "leader,unit")

            await assertRefused(["user.loginTaken"]) {
                _ = try await f.store.createUser(displayName: "另一个", login: "wang", password: "another pass",
                                                 unitID: f.responsible, roles: [.unit]) { try hasher.hash($0) }
            }
            await assertRefused(["user.passwordTooShort", "user.unitRequired"]) {
                _ = try await f.store.createUser(displayName: "李", login: "li", password: "short",
                                                 unitID: nil, roles: [.office]) { try hasher.hash($0) }
            }
            try await f.store.setPassword(login: "wang", password: "battery staple") { try hasher.hash($0) }
            let reloaded = try await User.query(on: app.db).filter(\.$login == "wang").first()
            XCTAssertTrue(try app.password.verify("battery staple", created: reloaded!.passwordHash))
            let users = try await User.query(on: app.db).count()
            XCTAssertEqual(users, 1)
        }
    }

    func testUnitNamesAreUnique() async throws {
        try await withApp { app in
            let f = try await given(app)
            await assertRefused(["unit.nameTaken"]) {
                _ = try await f.store.createUnit(UnitDraft(name: "辽宁省环境保护厅", kind: .department, regionCode: 210000))
            }
        }
    }
}
