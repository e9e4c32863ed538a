import Fluent
import SQLKit
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// The lifecycle through the JSON API, on the real database.
final class LifecycleAPITests: XCTestCase {
    func testATaskGoesFromAssignmentToClosureAndIsReopenedByARebound() async throws {
        try await withApp { app in
            let f = try await Fixture(app)
            try await f.act(.assign, as: "office")
            // Given the task assigned, when the cooperating city claims, the state holds;
            // when the responsible unit claims, the work starts.
            try await f.act(.claim, as: "cooperating")
            var task = try await f.task
            XCTAssertEqual(task.state, .assigned)
            try await f.act(.claim, as: "responsible")
            task = try await f.task
            XCTAssertEqual(task.state, .inProgress)
            try await f.act(.claim, as: "responsible", expect: .conflict)

            let report = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/reports", as: "responsible",
                #"{"narrative":"方案已起草","percent":40,"milestonesReached":[\#(f.milestoneID)],"difficulties":"无","nextSteps":"报批"}"#)
            let reportID = report.id
            try await f.expect(.ok, .POST, "/api/v1/reports/\(reportID)/review", as: "office", #"{"decision":"accept"}"#)
            let milestone = try await TaskMilestone.find(f.milestoneID, on: app.db)
            XCTAssertEqual(milestone?.reachedOn, "2018-03-01")

            try await f.act(.submitCompletion, as: "responsible", #"{"narrative":"实施方案已印发"}"#)
            try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/verifications", as: "acceptor",
                               #"{"date":"2018-03-01","people":"张三、李四","findings":"方案已印发执行"}"#)
            try await f.act(.acceptPass, as: "acceptor", #"{"opinion":"同意通过验收"}"#)
            let notice = try await f.act(.openNotice, as: "office", #"{"noticeText":"拟销号公示"}"#)
            XCTAssertEqual(notice.json["state"] as? String, "publicNotice")
            // 2018-03-01 is a Thursday: five working days end on Wednesday 2018-03-07.
            let noticeEntry = try await TaskEntry.query(on: app.db).filter(\.$kind == .notice).first()
            XCTAssertEqual(noticeEntry?.untilDate, "2018-03-07")
            let early = try await f.act(.close, as: "office", expect: .unprocessableEntity)
            XCTAssertEqual(early.code, "lifecycle.noticeNotOver")
            f.set("2018-03-08")
            let closed = try await f.act(.close, as: "office")
            XCTAssertEqual(closed.json["publicStatus"] as? String, "已完成整改")

            // A look-back that finds the problem back reopens it, keeping the history.
            f.set("2019-03-01")
            try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/lookbacks", as: "office",
                               #"{"result":"holding","findings":"整改成果巩固"}"#)
            try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/lookbacks", as: "office",
                               #"{"result":"rebound","findings":"问题反弹","people":"王五"}"#)
            task = try await f.task
            XCTAssertEqual(task.state, .inProgress)
            XCTAssertEqual(task.reboundCount, 1)

            let timeline = try await f.expect(.ok, .GET, "/api/v1/tasks/\(f.taskID)/timeline", as: "leader")
            for action in ["assign", "claim", "report.submit", "report.accept", "submitCompletion", "entry.verification",
                           "acceptPass", "openNotice", "close", "entry.lookBack", "lookBackRebound"] {
                XCTAssertTrue(timeline.body.contains(#""action":"\#(action)""#), action)
            }
            let verification = try await Audit.verify(on: app.db)
            XCTAssertNil(verification.firstBroken)
            XCTAssertGreaterThan(verification.checked, 10)
            // Every action the trail recorded is one the code names, with its words.
            for action in Set(try await AuditEvent.query(on: app.db).all().map(\.action)) {
                XCTAssertNotNil(AuditAction(rawValue: action), "the audit action \(action) has no AuditAction, so no words")
            }
        }
    }

    func testGivenARefusedExtension_whenTheTaskPageIsRead_thenItsTimelineSaysSoInChinese() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            // Given an extension requested and refused, and one approved,
            let refused = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/extensions", as: "responsible",
                                             #"{"deadline":"2019-06-30","reason":"冬季无法施工"}"#).id
            try await f.expect(.ok, .POST, "/api/v1/extensions/\(refused)/decision", as: "office", #"{"approve":false,"note":"理由不充分"}"#)
            let approved = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/extensions", as: "responsible",
                                              #"{"deadline":"2019-03-31","reason":"资金未到位"}"#).id
            try await f.expect(.ok, .POST, "/api/v1/extensions/\(approved)/decision", as: "office", #"{"approve":true,"note":"同意"}"#)
            // when the office opens the task page,
            let page = try await f.expect(.ok, .GET, "/tasks/\(f.taskID)", as: "office")
            // then the timeline has the words for both decisions, and no action's code name.
            XCTAssertTrue(page.body.contains("不同意延期"), "a refused extension shows its words")
            XCTAssertTrue(page.body.contains("同意延期"))
            for raw in ["extension.refused", "extension.approved", "extension.request"] {
                XCTAssertFalse(page.body.contains(raw), "the page shows the code name \(raw)")
            }
        }
    }

    func testRefusedTransitionsSayWhyAndChangeNothing() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let before = try await f.fingerprint()
            let cases: [(TaskAction, String, String?, HTTPStatus, String)] = [
                (.submitCompletion, "acceptor", #"{"narrative":"x"}"#, .forbidden, "lifecycle.forbidden"),
                (.submitCompletion, "cooperating", #"{"narrative":"x"}"#, .forbidden, "lifecycle.forbidden"),
                (.submitCompletion, "responsible", #"{"narrative":"  "}"#, .unprocessableEntity, "lifecycle.narrativeRequired"),
                (.close, "office", nil, .conflict, "lifecycle.wrongState"),
                (.acceptPass, "acceptor", #"{"opinion":"好"}"#, .conflict, "lifecycle.wrongState"),
                (.assign, "office", nil, .conflict, "lifecycle.wrongState"),
                (.assign, "stranger", nil, .notFound, "notFound"),
                (.assign, "foreignOffice", nil, .notFound, "notFound"),
            ]
            for (action, who, body, status, code) in cases {
                let r = try await f.act(action, as: who, body, expect: status)
                XCTAssertEqual(r.code, code, "\(action) by \(who)")
                XCTAssertFalse((r.json["message"] as? String ?? "").isEmpty)
            }
            let stale = try await f.act(.submitCompletion, as: "responsible", #"{"narrative":"x","version":99}"#, expect: .conflict)
            XCTAssertEqual(stale.code, "conflict")
            let after = try await f.fingerprint()
            XCTAssertEqual(after, before)
        }
    }

    func testObjectionsDuringTheNotice() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .accepted)
            try await f.act(.openNotice, as: "office", #"{"noticeStart":"2018-03-01","noticeEnd":"2018-03-07","noticeText":"拟销号"}"#)
            let notice = try await TaskEntry.query(on: app.db).filter(\.$kind == .notice).first()!.id!
            let late = try await f.expect(.unprocessableEntity, .POST, "/api/v1/notices/\(notice)/objections", as: "office",
                                          #"{"receivedOn":"2018-03-09","content":"仍有异味"}"#)
            XCTAssertEqual(late.code, "validationFailed")
            let o1 = try await f.expect(.created, .POST, "/api/v1/notices/\(notice)/objections", as: "office",
                                        #"{"receivedOn":"2018-03-02","content":"仍有异味"}"#).id
            f.set("2018-03-08")
            let standing = try await f.act(.close, as: "office", expect: .unprocessableEntity)
            XCTAssertEqual(standing.code, "lifecycle.objectionStanding")
            try await f.expect(.ok, .POST, "/api/v1/objections/\(o1)/answer", as: "office", #"{"answer":"经核查异味来自邻近企业,已另案处理","upheld":false}"#)
            try await f.act(.close, as: "office")
            var task = try await f.task
            XCTAssertEqual(task.state, .closed)

            // An upheld objection sends the task back to rectification.
            let g = try await Fixture(app, state: .accepted, number: 2)
            g.set("2018-03-08")
            try await g.act(.openNotice, as: "office", #"{"noticeText":"拟销号"}"#)
            let n2 = try await TaskEntry.query(on: app.db).filter(\.$task.$id == g.taskID).filter(\.$kind == .notice).first()!.id!
            let o2 = try await g.expect(.created, .POST, "/api/v1/notices/\(n2)/objections", as: "office",
                                        #"{"receivedOn":"2018-03-08","content":"排污口仍在排放"}"#).id
            try await g.expect(.ok, .POST, "/api/v1/objections/\(o2)/answer", as: "office", #"{"answer":"异议成立","upheld":true}"#)
            task = try await g.task
            XCTAssertEqual(task.state, .inProgress)
        }
    }

    func testAReturnedReportCanBeRevisedAndTheHistoryIsKept() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let first = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/reports", as: "responsible",
                                           #"{"narrative":"进展顺利","percent":10}"#).id
            let noReason = try await f.expect(.unprocessableEntity, .POST, "/api/v1/reports/\(first)/review", as: "office", #"{"decision":"return"}"#)
            XCTAssertEqual(noReason.code, "report.reasonRequired")
            try await f.expect(.ok, .POST, "/api/v1/reports/\(first)/review", as: "office", #"{"decision":"return","reason":"缺少具体数据"}"#)
            try await f.expect(.conflict, .POST, "/api/v1/reports/\(first)/review", as: "office", #"{"decision":"accept"}"#)
            let second = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/reports", as: "responsible",
                                            #"{"narrative":"完成方案初稿,征求意见12份","percent":25,"revises":\#(first)}"#).id
            let reports = try await ProgressReport.query(on: app.db).sort(\.$id).all()
            XCTAssertEqual(reports.map(\.status), [.returned, .submitted])
            XCTAssertEqual(reports[1].$revises.id, first)
            XCTAssertEqual(reports[0].reviewReason, "缺少具体数据")
            XCTAssertNotEqual(first, second)
            // The task page lists both, newest first, each at the moment it was sent.
            let page = try await f.expect(.ok, .GET, "/tasks/\(f.taskID)", as: "office").body
            let newest = try XCTUnwrap(page.range(of: "完成方案初稿")), older = try XCTUnwrap(page.range(of: "进展顺利"))
            XCTAssertLessThan(newest.lowerBound, older.lowerBound)
            for r in reports { XCTAssertTrue(page.contains(Fmt.instant(r.submittedAt)), Fmt.instant(r.submittedAt)) }
            let bad = try await f.expect(.unprocessableEntity, .POST, "/api/v1/tasks/\(f.taskID)/reports", as: "responsible",
                                         #"{"narrative":"x","percent":140,"revises":\#(second)}"#)
            XCTAssertEqual(bad.code, "validationFailed")
        }
    }

    func testAClosedRoundAnswersExactlyAsItDidWhenItClosed() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let g = try await Fixture(app, state: .inProgress, number: 2)
            let round = try await f.expect(.created, .POST, "/api/v1/rounds", as: "office",
                                           #"{"name":"2018年第13次调度","dueDate":"2018-03-05"}"#)
            let roundID = round.json["roundID"] as? Int ?? -1
            XCTAssertEqual(round.json["owed"] as? Int, 2)
            XCTAssertEqual(round.json["missing"] as? Int, 2)
            try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/reports", as: "responsible", #"{"narrative":"按时报送","percent":30}"#)
            f.set("2018-03-06")
            try await g.expect(.created, .POST, "/api/v1/tasks/\(g.taskID)/reports", as: "responsible", #"{"narrative":"迟报","percent":20}"#)
            // The lists' one-statement summary counts what the round's rows count, the late boundary included.
            let live = try await unwrap(try await DispatchRound.find(roundID, on: app.db))
            let summary = try await RoundService.summary(live, on: app.db)
            XCTAssertEqual(summary, RoundService.Summary(owed: 2, reported: 1, late: 1, missing: 0))
            let closed = try await f.expect(.ok, .POST, "/api/v1/rounds/\(roundID)/close", as: "office")
            XCTAssertEqual([closed.json["reported"], closed.json["late"], closed.json["missing"]] as? [Int], [1, 1, 0])

            // Whatever happens afterwards, the closed round answers the same.
            try await f.act(.submitCompletion, as: "responsible", #"{"narrative":"已完成"}"#)
            let h = try await Fixture(app, state: .inProgress, number: 3)
            _ = h
            let later = try await f.expect(.ok, .GET, "/api/v1/rounds/\(roundID)", as: "leader")
            XCTAssertEqual(later.json as NSDictionary, closed.json as NSDictionary)
            XCTAssertEqual((later.json["rows"] as? [Any])?.count, 2)
            try await f.expect(.conflict, .POST, "/api/v1/rounds/\(roundID)/close", as: "office")
            try await f.expect(.notFound, .GET, "/api/v1/rounds/\(roundID)", as: "foreignOffice")
        }
    }

    func testAnExtensionKeepsTheOriginalDeadlineOnRecord() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let early = try await f.expect(.unprocessableEntity, .POST, "/api/v1/tasks/\(f.taskID)/extensions", as: "responsible",
                                           #"{"deadline":"2018-06-30","reason":"提前"}"#)
            XCTAssertEqual(early.code, "validationFailed")
            let e1 = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/extensions", as: "responsible",
                                        #"{"deadline":"2019-06-30","reason":"冬季无法施工"}"#).id
            try await f.expect(.unprocessableEntity, .POST, "/api/v1/tasks/\(f.taskID)/extensions", as: "responsible",
                               #"{"deadline":"2019-09-30","reason":"再延"}"#)
            try await f.expect(.forbidden, .POST, "/api/v1/extensions/\(e1)/decision", as: "leader", #"{"approve":true}"#)
            try await f.expect(.ok, .POST, "/api/v1/extensions/\(e1)/decision", as: "office", #"{"approve":true,"note":"同意"}"#)
            var task = try await f.task
            XCTAssertEqual(task.deadline, "2019-06-30")
            XCTAssertEqual(task.originalDeadline, "2018-12-31")
            let e2 = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/extensions", as: "responsible",
                                        #"{"deadline":"2019-12-31","reason":"资金未到位"}"#).id
            try await f.expect(.unprocessableEntity, .POST, "/api/v1/extensions/\(e2)/decision", as: "office", #"{"approve":false}"#)
            try await f.expect(.ok, .POST, "/api/v1/extensions/\(e2)/decision", as: "office", #"{"approve":false,"note":"理由不充分"}"#)
            task = try await f.task
            XCTAssertEqual(task.deadline, "2019-06-30")
            let history = try await ExtensionRequest.query(on: app.db).sort(\.$id).all()
            XCTAssertEqual(history.map(\.status), [.approved, .refused])
            XCTAssertEqual(history.map(\.previousDeadline), ["2018-12-31", "2019-06-30"])
            let detail = try await f.expect(.ok, .GET, "/api/v1/tasks/\(f.taskID)", as: "cooperating")
            XCTAssertEqual(detail.json["originalDeadline"] as? String, "2018-12-31")
            XCTAssertEqual(detail.json["deadline"] as? String, "2019-06-30")
        }
    }

    func testSupervisionOrdersAreNumberedPerOfficeAndYear() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let unit = f.units["responsible"]!
            let body = #"{"unitID":\#(unit),"taskIDs":[\#(f.taskID)],"level":"order","reason":"进度滞后","replyBy":"2018-03-10"}"#
            var numbers: [String] = []
            for _ in 0..<3 {
                numbers.append(try await f.expect(.created, .POST, "/api/v1/orders", as: "office", body).json["number"] as! String)
            }
            XCTAssertEqual(numbers, ["督办〔2018〕1号", "督办〔2018〕2号", "督办〔2018〕3号"])
            f.set("2019-01-02")
            let next = try await f.expect(.created, .POST, "/api/v1/orders", as: "office",
                #"{"unitID":\#(unit),"taskIDs":[\#(f.taskID)],"level":"listed","reason":"仍滞后","replyBy":"2019-01-10"}"#)
            XCTAssertEqual(next.json["number"] as? String, "督办〔2019〕1号")
            let id = next.id
            try await f.expect(.conflict, .POST, "/api/v1/orders/\(id)/close", as: "office")
            try await f.expect(.forbidden, .POST, "/api/v1/orders/\(id)/reply", as: "office", #"{"text":"x"}"#)
            try await f.expect(.notFound, .POST, "/api/v1/orders/\(id)/reply", as: "cooperating", #"{"text":"x"}"#)
            try await f.expect(.ok, .POST, "/api/v1/orders/\(id)/reply", as: "responsible", #"{"text":"已增派人员,月底前完成"}"#)
            let closed = try await f.expect(.ok, .POST, "/api/v1/orders/\(id)/close", as: "office")
            XCTAssertEqual(closed.json["closed"] as? Bool, true)
            let stranger = try await f.expect(.unprocessableEntity, .POST, "/api/v1/orders", as: "office",
                #"{"unitID":\#(f.units["stranger"]!),"taskIDs":[\#(f.taskID)],"level":"order","reason":"x","replyBy":"2019-01-10"}"#)
            XCTAssertEqual(stranger.code, "validationFailed")
        }
    }

    func testAuditVerifyCatchesARowEditedBehindTheAppsBack() async throws {
        try await withApp { app in
            let f = try await Fixture(app)
            try await f.act(.assign, as: "office")
            try await f.act(.claim, as: "responsible")
            try await f.act(.claim, as: "cooperating")
            let good = try await runCommand(AuditVerifyCommand(), [], on: app)
            XCTAssertTrue(good.contains("哈希链完整"), good)

            let events = try await AuditEvent.query(on: app.db).sort(\.$id).all()
            let victim = events[1].id!
            let sql = app.db as! any SQLDatabase
            try await sql.raw("UPDATE audit_events SET after_json = '{\"state\":\"closed\"}' WHERE id = \(bind: victim)").run()
            do {
                _ = try await runCommand(AuditVerifyCommand(), [], on: app)
                XCTFail("a tampered chain must not verify")
            } catch {
                XCTAssertTrue(Rectify.explain(error).contains("第 \(victim) 号事件"), Rectify.explain(error))
            }
            // Deleting an event breaks the link of the one after it.
            try await sql.raw("UPDATE audit_events SET after_json = \(bind: events[1].afterJSON ?? "") WHERE id = \(bind: victim)").run()
            try await sql.raw("DELETE FROM audit_events WHERE id = \(bind: victim)").run()
            let result = try await Audit.verify(on: app.db)
            XCTAssertEqual(result.firstBroken?.id, events[2].id)
        }
    }

    func testTheSecondOfTwoEditsFromTheSameVersionIsRefused() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let version = try await f.task.version
            try await f.expect(.ok, .PATCH, "/api/v1/tasks/\(f.taskID)", as: "office", #"{"version":\#(version),"measures":"第一人的修改"}"#)
            let second = try await f.expect(.conflict, .PATCH, "/api/v1/tasks/\(f.taskID)", as: "admin",
                                            #"{"version":\#(version),"measures":"第二人的修改"}"#)
            XCTAssertEqual(second.code, "conflict")
            XCTAssertTrue((second.json["message"] as? String ?? "").contains("office"), second.body)
            let task = try await f.task
            XCTAssertEqual(task.measures, "第一人的修改")
            try await f.expect(.forbidden, .PATCH, "/api/v1/tasks/\(f.taskID)", as: "responsible", #"{"version":\#(version + 1),"measures":"x"}"#)
        }
    }

    func testLightsFollowTheClock() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            func light(on day: String) async throws -> String? {
                f.set(day)
                return try await f.expect(.ok, .GET, "/api/v1/tasks/\(f.taskID)", as: "office").json["light"] as? String
            }
            let early = try await light(on: "2018-02-01")
            XCTAssertEqual(early, "green")
            let lagging = try await light(on: "2018-06-15")
            XCTAssertEqual(lagging, "yellow")   // 45% of the time gone, no report
            let missed = try await light(on: "2018-07-01")
            XCTAssertEqual(missed, "red")       // the 2018-06-30 milestone passed unmet
            let late = try await light(on: "2019-01-01")
            XCTAssertEqual(late, "red")
            // Every read recomputed for its day, so the stored light is already true: red
            // since the milestone was missed, and the daily command finds nothing to change.
            let out = try await runCommand(RecomputeCommand(), [], on: app)
            XCTAssertTrue(out.contains("0 项任务"), out)
            let task = try await f.task
            XCTAssertEqual(task.light, .red)
            XCTAssertEqual(task.progressStatus, .behindSchedule)
            XCTAssertEqual(task.lightSince, "2018-07-01")
        }
    }

    func testUnclaimedTasksAndRedTasksAreFlaggedToTheOffice() async throws {
        try await withApp { app in
            let f = try await Fixture(app)
            try await f.act(.assign, as: "office")
            try await f.act(.claim, as: "cooperating")
            f.set("2018-03-09")
            let flags = try await f.expect(.ok, .GET, "/api/v1/flags/unclaimed", as: "office").body
            XCTAssertTrue(flags.contains("辽宁省发展和改革委员会"), flags)
            XCTAssertFalse(flags.contains("葫芦岛市人民政府"), flags)
            try await f.expect(.forbidden, .GET, "/api/v1/flags/unclaimed", as: "responsible")
            try await f.act(.claim, as: "responsible")
            f.set("2019-01-01")
            _ = try await runCommand(RecomputeCommand(), [], on: app)
            f.set("2019-01-20")
            let suggestions = try await f.expect(.ok, .GET, "/api/v1/orders/suggestions", as: "office").body
            XCTAssertTrue(suggestions.contains(#""redSince":"2019-01-01""#), suggestions)
        }
    }

    func testApiTokensAreShownOnceStoredHashedAndRevocable() async throws {
        try await withApp { app in
            let f = try await Fixture(app)
            let created = try await f.expect(.created, .POST, "/api/v1/tokens", as: "office", #"{"name":"台账同步脚本"}"#)
            let token = created.json["token"] as? String ?? ""
            let id = created.id
            let stored = try await ApiToken.find(id, on: app.db)
            XCTAssertEqual(stored?.tokenHash, TokenAPI.hash(token))
            let listed = try await f.expect(.ok, .GET, "/api/v1/tokens", as: "office").body
            XCTAssertFalse(listed.contains(token))
            func ledger(_ bearer: String) async throws -> HTTPStatus {
                var status = HTTPStatus.internalServerError
                try await app.test(.GET, "/api/v1/tasks", headers: ["Authorization": "Bearer \(bearer)"]) { res async in status = res.status }
                return status
            }
            let unused = try await ApiToken.find(id, on: app.db)?.lastUsedAt
            XCTAssertNil(unused)
            let ok = try await ledger(token)
            XCTAssertEqual(ok, .ok)
            // Its use is recorded, as the tokens page shows it.
            let used = try await ApiToken.find(id, on: app.db)?.lastUsedAt
            XCTAssertNotNil(used, "a used token must not be listed as never used")
            let wrong = try await ledger(token + "x")
            XCTAssertEqual(wrong, .unauthorized)
            try await f.expect(.notFound, .DELETE, "/api/v1/tokens/\(id)", as: "responsible")
            try await f.expect(.noContent, .DELETE, "/api/v1/tokens/\(id)", as: "office")
            let revoked = try await ledger(token)
            XCTAssertEqual(revoked, .unauthorized)
        }
    }

    func testTheLedgerFiltersPaginatesAndKeepsToEachUsersScope() async throws {
        try await withApp(demo: true) { app in
            let f = try await Fixture(app, state: .inProgress, demoNames: true)
            let all = try await f.expect(.ok, .GET, "/api/v1/tasks?per=10", as: "admin").json
            XCTAssertEqual(all["total"] as? Int, 150 + DemoLive.plans.count)
            XCTAssertEqual((all["items"] as? [Any])?.count, 10)
            let page2 = try await f.expect(.ok, .GET, "/api/v1/tasks?per=100&page=2", as: "admin").json
            XCTAssertEqual((page2["items"] as? [Any])?.count, 50 + DemoLive.plans.count)
            let shanxi = try await f.expect(.ok, .GET, "/api/v1/tasks?region=140000&state=closed", as: "admin").json
            XCTAssertEqual(shanxi["total"] as? Int, 11)
            let huludaoOffice = try await f.expect(.ok, .GET, "/api/v1/tasks?region=211400", as: "admin").json
            // 8 Huludao tasks, Liaoning tasks 24 and 45 whose responsible unit is Huludao's government,
            // the living demo's three of that government, and the parts split to Huludao (issue 14):
            // Liaoning's 30-2 and 47-2 and the living demo's 1-2, roots of the region viewed.
            XCTAssertEqual(huludaoOffice["total"] as? Int, 10 + DemoLive.plans.filter { $0.responsible == DemoLive.hld }.count
                           + DemoLevels.splitTasks.count + 1)
            let behind = try await f.expect(.ok, .GET, "/api/v1/tasks?status=behindSchedule", as: "admin").json
            let stored = try await TaskRecord.query(on: app.db).filter(\.$progressStatus == .behindSchedule)
                .filter(\.$parentTask.$id == nil).count()
            XCTAssertEqual(behind["total"] as? Int, stored)
            let water = try await f.expect(.ok, .GET, "/api/v1/tasks?tag=water&kind=timeLimited&deadlineTo=2018-12-31&q=%E6%B1%A1%E6%B0%B4", as: "admin").json
            XCTAssertGreaterThan(water["total"] as? Int ?? 0, 0)
            // Scope: the foreign (Shanxi) office sees Shanxi only; a unit sees its own tasks.
            let foreign = try await f.expect(.ok, .GET, "/api/v1/tasks?per=200", as: "foreignOffice").json
            XCTAssertEqual(foreign["total"] as? Int, 24)
            let mine = try await f.expect(.ok, .GET, "/api/v1/tasks", as: "cooperating").json
            XCTAssertEqual(mine["total"] as? Int, 1)
            let acceptor = try await f.expect(.ok, .GET, "/api/v1/tasks", as: "acceptor").json
            XCTAssertEqual(acceptor["total"] as? Int, 1)
            let bad = try await f.expect(.badRequest, .GET, "/api/v1/tasks?state=finished", as: "admin")
            XCTAssertEqual(bad.code, "badFilter")
            let counts = try await f.expect(.ok, .GET, "/api/v1/dashboard/counts?inspection=1", as: "office").json
            XCTAssertEqual((counts["byStatus"] as? [String: Int])?["basicallyCompleted"], 13)
        }
    }
}
