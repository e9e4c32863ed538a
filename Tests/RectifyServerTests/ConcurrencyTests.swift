import Fluent
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// Many people at once: nothing fails for being concurrent, nothing is overwritten
/// silently, and the audit chain stays one chain.
final class ConcurrencyTests: XCTestCase {
    func testConcurrentWritesAllLandAndTheChainHolds() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let cookie = try await f.cookie("responsible")!
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<24 {
                    group.addTask {
                        var status = HTTPStatus.internalServerError
                        try await app.test(.POST, "/api/v1/tasks/\(f.taskID)/reports", beforeRequest: { req in
                            req.signIn(cookie)
                            req.headers.contentType = .json
                            req.body = ByteBuffer(string: #"{"narrative":"第\#(i)次报送","percent":\#(i)}"#)
                        }, afterResponse: { res async in status = res.status })
                        return status
                    }
                }
                var all: [HTTPStatus] = []
                for try await s in group { all.append(s) }
                return all
            }
            XCTAssertEqual(statuses.filter { $0 == .created }.count, 24, "\(statuses)")
            let reports = try await ProgressReport.query(on: app.db).count()
            XCTAssertEqual(reports, 24)
            let chain = try await Audit.verify(on: app.db)
            XCTAssertNil(chain.firstBroken)
            // Every report is audited, beside the day's recompute of the lights (StatusFreshness).
            let recomputes = try await AuditEvent.query(on: app.db).filter(\.$action == "task.recompute").count()
            XCTAssertEqual(chain.checked, 24 + recomputes)
        }
    }

    func testOfManyEditsFromTheSameVersionExactlyOneWins() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let cookie = try await f.cookie("office")!
            let version = try await f.task.version
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<12 {
                    group.addTask {
                        var status = HTTPStatus.internalServerError
                        try await app.test(.PATCH, "/api/v1/tasks/\(f.taskID)", beforeRequest: { req in
                            req.signIn(cookie)
                            req.headers.contentType = .json
                            req.body = ByteBuffer(string: #"{"version":\#(version),"measures":"修改\#(i)"}"#)
                        }, afterResponse: { res async in status = res.status })
                        return status
                    }
                }
                var all: [HTTPStatus] = []
                for try await s in group { all.append(s) }
                return all
            }
            XCTAssertEqual(statuses.filter { $0 == .ok }.count, 1, "\(statuses)")
            XCTAssertEqual(statuses.filter { $0 == .conflict }.count, 11, "\(statuses)")
            let task = try await f.task
            XCTAssertEqual(task.version, version + 1)
        }
    }

    /// Issue 12: the day's recompute saved a task and then took the audit trail's lock for
    /// the rest of its batch, while an edit takes its task's row first and the audit lock
    /// second; on PostgreSQL the two deadlocked (9 of 15 runs of `rectify recompute` under
    /// edits failed).
    func testTheDaysRecomputeAndEditsOfTheSameTasksNeverDeadlock() async throws {
        try await withApp { app in
            // Given twenty tasks in progress, whose lights a day in September changes (their milestone passed unreached)
            let first = try await Fixture(app, state: .inProgress)
            var ids = [first.taskID]
            for n in 2...20 { ids.append(try await Fixture(app, state: .inProgress, number: n).taskID) }
            let cookie = try await first.cookie("office")!
            let before = try await TaskRecord.query(on: app.db).filter(\.$id ~~ ids).all().map { $0.light }
            let september = LocalDate(iso: "2018-09-01")!
            _ = try await TaskAssessment.recomputeAll(on: app.db, today: september, now: Date())
            let after = try await TaskRecord.query(on: app.db).filter(\.$id ~~ ids).all().map { $0.light }
            XCTAssertNotEqual(before, after, "the days chosen must change the lights, or nothing is tested")

            // When the recompute runs for alternating days while the office edits every one of those tasks
            let failures = try await withThrowingTaskGroup(of: [String].self) { group in
                group.addTask {
                    var errors: [String] = []
                    for round in 0..<6 {
                        let day = round % 2 == 0 ? LocalDate(iso: "2018-03-01")! : september
                        do { _ = try await TaskAssessment.recomputeAll(on: app.db, today: day, now: Date()) } catch {
                            errors.append("recompute: \(String(reflecting: error))")
                        }
                    }
                    return errors
                }
                for id in ids {
                    group.addTask {
                        var errors: [String] = []
                        for i in 0..<6 {
                            let record = try await TaskRecord.find(id, on: app.db)
                            let version = try XCTUnwrap(record).version
                            var status = HTTPStatus.internalServerError
                            try await app.test(.PATCH, "/api/v1/tasks/\(id)", beforeRequest: { req in
                                req.signIn(cookie)
                                req.headers.contentType = .json
                                req.body = ByteBuffer(string: #"{"version":\#(version),"measures":"第\#(i)次修改"}"#)
                            }, afterResponse: { res async in status = res.status })
                            if status != .ok { errors.append("edit of task \(id): \(status)") }
                        }
                        return errors
                    }
                }
                var all: [String] = []
                for try await e in group { all += e }
                return all
            }

            // Then neither the recompute nor any edit failed, and the audit trail is one chain
            XCTAssertEqual(failures, [])
            let chain = try await Audit.verify(on: app.db)
            XCTAssertNil(chain.firstBroken)
        }
    }

    /// Issue 12: two servers that both recompute the day wrote every change twice.
    func testTwoRecomputesOfOneDayAuditEachChangeOnce() async throws {
        try await withApp { app in
            // Given twenty tasks in progress whose lights a day in September changes
            let first = try await Fixture(app, state: .inProgress)
            var ids = [first.taskID]
            for n in 2...20 { ids.append(try await Fixture(app, state: .inProgress, number: n).taskID) }
            let september = LocalDate(iso: "2018-09-01")!
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "task.recompute").count()

            // When two recomputes of that day run at once (as two instances at the change of day)
            async let a = TaskAssessment.recomputeAll(on: app.db, today: september, now: Date())
            async let b = TaskAssessment.recomputeAll(on: app.db, today: september, now: Date())
            let (changedA, changedB) = try await (a, b)

            // Then each task that changed did so once, by one of them, with one audit event
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "task.recompute")
                .sort(\.$id).all().dropFirst(audited)
            XCTAssertGreaterThan(changedA + changedB, 0, "the day chosen must change lights, or nothing is tested")
            XCTAssertEqual(events.count, changedA + changedB)
            XCTAssertEqual(Set(events.compactMap(\.taskID)).count, events.count, "a task audited twice for one day")
            let chain = try await Audit.verify(on: app.db)
            XCTAssertNil(chain.firstBroken)
        }
    }
}
