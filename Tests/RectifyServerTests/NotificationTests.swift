import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SQLKit
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// The scheduler's lease, the inbox and the outbound channels (issue 12 §2–3).
final class SchedulerLeaseTests: XCTestCase {
    func testOneInstanceHoldsADaysJobAndTheOthersSeeItHeldThenDone() async throws {
        try await withApp { app in
            let day = LocalDate(iso: "2018-03-01")!
            let now = Date()
            let a = try await SchedulerLease.acquire(.deadlines, day: day, holder: "a", now: now, lease: 600, on: app.db)
            guard case .acquired(let id) = a else { return XCTFail("first instance did not get the lease: \(a)") }
            let b = try await SchedulerLease.acquire(.deadlines, day: day, holder: "b", now: now, lease: 600, on: app.db)
            XCTAssertEqual(b.kindOnly, "held", "second instance must wait")
            try await SchedulerLease.finish(id, holder: "a", state: .done, detail: "ok", now: now, on: app.db)
            let c = try await SchedulerLease.acquire(.deadlines, day: day, holder: "b", now: now, lease: 600, on: app.db)
            XCTAssertEqual(c, .done)
            let runs = try await SchedulerRun.query(on: app.db).all()
            XCTAssertEqual(runs.count, 1)
            XCTAssertEqual(runs.first?.holder, "a")
        }
    }

    func testARunThatDiedIsTakenOverWhenItsLeaseRunsOutAndAFailedOneAtOnce() async throws {
        try await withApp { app in
            let day = LocalDate(iso: "2018-03-01")!
            let start = Date()
            guard case .acquired = try await SchedulerLease.acquire(.recompute, day: day, holder: "dead", now: start, lease: 60, on: app.db)
            else { return XCTFail("no lease") }
            // Within the lease: still theirs.
            let early = try await SchedulerLease.acquire(.recompute, day: day, holder: "b", now: start.addingTimeInterval(30), lease: 60, on: app.db)
            XCTAssertEqual(early.kindOnly, "held")
            // Past it: taken over, with a second attempt counted.
            let late = try await SchedulerLease.acquire(.recompute, day: day, holder: "b", now: start.addingTimeInterval(61), lease: 60, on: app.db)
            guard case .acquired(let id) = late else { return XCTFail("expired lease not taken over: \(late)") }
            let run = try await SchedulerRun.find(id, on: app.db)
            XCTAssertEqual(run?.holder, "b")
            XCTAssertEqual(run?.attempts, 2)
            // A failed run is retried at once by whoever comes next.
            try await SchedulerLease.finish(id, holder: "b", state: .failed, detail: "boom", now: start, on: app.db)
            let retry = try await SchedulerLease.acquire(.recompute, day: day, holder: "c", now: start.addingTimeInterval(62), lease: 60, on: app.db)
            guard case .acquired = retry else { return XCTFail("failed run not retried: \(retry)") }
            // The finish of a holder that lost the lease changes nothing.
            try await SchedulerLease.finish(id, holder: "b", state: .done, detail: "late", now: start, on: app.db)
            let v1 = try await SchedulerRun.find(id, on: app.db)?.holder
            XCTAssertEqual(v1, "c")
            let v2 = try await SchedulerRun.find(id, on: app.db)?.state
            XCTAssertEqual(v2, .running)
        }
    }

    func testTwoSchedulersTickingTheSameDayRecordEachJobOnceAndNotifyOnce() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .draft)
            _ = try await f.act(.assign, as: "office")
            // Ten days later: unclaimed for over the default 7 days.
            f.set("2018-03-11")
            let other = Scheduler()
            await app.scheduler.tick(app)
            await other.tick(app)
            // Another instance's first request of the day: nothing more.
            try await app.statusFreshness.ensure(app)
            let runs = try await SchedulerRun.query(on: app.db).filter(\.$day == "2018-03-11").all()
            XCTAssertEqual(Set(runs.map(\.job)), ["recompute", "deadlines"])
            XCTAssertEqual(runs.count, 2, "each job once for the day: \(runs.map { "\($0.job)/\($0.holder)" })")
            XCTAssertTrue(runs.allSatisfy { $0.state == .done }, runs.map(\.detail).joined(separator: ";"))
            let overdue = try await UserNotification.query(on: app.db).filter(\.$kind == NotificationKind.claimOverdue.rawValue).all()
            let office = try await User.query(on: app.db).filter(\.$login == "office").first()!.id!
            let responsible = try await User.query(on: app.db).filter(\.$login == "responsible").first()!.id!
            let cooperating = try await User.query(on: app.db).filter(\.$login == "cooperating").first()!.id!
            XCTAssertEqual(Set(overdue.map(\.$user.id)), [office, responsible, cooperating])
            XCTAssertEqual(overdue.count, 3, "one per person, not one per tick")
            // The admin sees the runs, page and API.
            let api = try await f.expect(.ok, .GET, "/api/v1/scheduler/runs", as: "admin")
            let listed = (api.json["items"] as? [[String: Any]]) ?? []
            XCTAssertEqual(listed.filter { $0["day"] as? String == "2018-03-11" }.count, 2)
            _ = try await f.expect(.forbidden, .GET, "/api/v1/scheduler/runs", as: "office")
            let admin = try await f.cookie("admin")
            try await app.test(.GET, "/admin/scheduler", beforeRequest: { $0.signIn(admin) }) { res async in
                XCTAssertEqual(res.status, .ok)
                XCTAssertTrue(res.body.string.contains("到期与逾期提醒"), res.body.string)
            }
        }
    }
}

extension SchedulerLease.Outcome {
    /// The outcome without its time, to compare kinds.
    var kindOnly: String {
        switch self {
        case .acquired: "acquired"
        case .done: "done"
        case .heldElsewhere: "held"
        }
    }
}

final class InboxTests: XCTestCase {
    func testAssigningATaskTellsItsUnitsAndOnlyThem() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .draft)
            _ = try await f.act(.assign, as: "office")
            let mine = try await f.expect(.ok, .GET, "/api/v1/notifications", as: "responsible")
            let items = mine.json["items"] as? [[String: Any]] ?? []
            XCTAssertEqual(items.count, 1)
            XCTAssertEqual(items.first?["kind"] as? String, "taskAssigned")
            XCTAssertEqual(items.first?["link"] as? String, "/tasks/\(f.taskID)")
            XCTAssertEqual(items.first?["read"] as? Bool, false)
            let v3 = try await f.expect(.ok, .GET, "/api/v1/notifications", as: "cooperating").json["total"] as? Int
            XCTAssertEqual(v3, 1)
            for other in ["acceptor", "stranger", "office", "leader", "foreignOffice"] {
                let v4 = try await f.expect(.ok, .GET, "/api/v1/notifications", as: other).json["total"] as? Int
                XCTAssertEqual(v4, 0, other)
            }
            // The header counts it; reading it is the user's own business.
            let cookie = try await f.cookie("responsible")
            try await app.test(.GET, "/ledger", beforeRequest: { $0.signIn(cookie) }) { res async in
                XCTAssertTrue(res.body.string.contains("通知(1)"), "unread count in the header")
            }
            let id = try XCTUnwrap(items.first?["id"] as? Int)
            _ = try await f.expect(.notFound, .POST, "/api/v1/notifications/\(id)/read", as: "cooperating")
            _ = try await f.expect(.noContent, .POST, "/api/v1/notifications/\(id)/read", as: "responsible")
            let v5 = try await f.expect(.ok, .GET, "/api/v1/notifications/count", as: "responsible").json["unread"] as? Int
            XCTAssertEqual(v5, 0)
            let v6 = try await f.expect(.ok, .GET, "/api/v1/notifications?unread=true", as: "responsible").json["total"] as? Int
            XCTAssertEqual(v6, 0)
            let v7 = try await f.expect(.ok, .GET, "/api/v1/notifications/count", as: "cooperating").json["unread"] as? Int
            XCTAssertEqual(v7, 1)
            _ = try await f.expect(.badRequest, .GET, "/api/v1/notifications?unread=perhaps", as: "responsible")
            // Read-all, audited once.
            let all = try await f.expect(.ok, .POST, "/api/v1/notifications/read-all", as: "cooperating")
            XCTAssertEqual(all.json["unread"] as? Int, 0)
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "notification.read").count()
            XCTAssertEqual(events, 2)
        }
    }

    func testTheEventsOfTheWorkReachThePeopleWhoMustAct() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            func kinds(_ login: String) async throws -> [String] {
                let items = try await f.expect(.ok, .GET, "/api/v1/notifications?per=200", as: login).json["items"] as? [[String: Any]] ?? []
                return items.compactMap { $0["kind"] as? String }
            }
            // A report returned: its unit hears why.
            let report = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/reports", as: "responsible",
                                            #"{"narrative":"进展","percent":30}"#).id
            _ = try await f.expect(.ok, .POST, "/api/v1/reports/\(report)/review", as: "office",
                                   #"{"decision":"return","reason":"缺少佐证 & “照片”"}"#)
            let v8 = try await kinds("responsible")
            XCTAssertEqual(v8, ["reportReturned"])
            let body = (try await f.expect(.ok, .GET, "/api/v1/notifications", as: "responsible").json["items"] as? [[String: Any]])?.first?["body"] as? String
            XCTAssertEqual(body?.contains("缺少佐证 & “照片”"), true)
            // An order: the unit it is sent to.
            let responsibleUnit = f.units["responsible"]!
            _ = try await f.expect(.created, .POST, "/api/v1/orders", as: "office",
                                   #"{"unitID":\#(responsibleUnit),"taskIDs":[\#(f.taskID)],"level":"order","reason":"进度滞后","replyBy":"2018-03-10"}"#)
            let v9 = try await kinds("responsible").first
            XCTAssertEqual(v9, "orderReceived")
            let v10 = try await kinds("cooperating")
            XCTAssertEqual(v10, [])
            // An extension decided: the unit that asked.
            let ext = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/extensions", as: "responsible",
                                         #"{"deadline":"2019-06-30","reason":"汛期无法施工"}"#).id
            _ = try await f.expect(.ok, .POST, "/api/v1/extensions/\(ext)/decision", as: "office", #"{"approve":true}"#)
            let v11 = try await kinds("responsible").first
            XCTAssertEqual(v11, "extensionDecided")
            // Acceptance requested: the acceptance unit and the office.
            _ = try await f.act(.submitCompletion, as: "responsible", #"{"narrative":"已完成"}"#)
            let v12 = try await kinds("acceptor")
            XCTAssertEqual(v12, ["acceptanceRequested"])
            let v13 = try await kinds("office")
            XCTAssertEqual(v13, ["acceptanceRequested"])
            let v14 = try await kinds("foreignOffice")
            XCTAssertEqual(v14, [])
        }
    }

    func testTheDaysRemindersComeOnceEachAndOnlyWhenDue() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            // The deadline is 2018-12-31: six days before, it is near.
            f.set("2018-12-25")
            let v15 = try await DeadlineWatch.run(app, day: app.clock.today)
            XCTAssertEqual(v15, 1)
            let v16 = try await DeadlineWatch.run(app, day: app.clock.today)
            XCTAssertEqual(v16, 0, "the same event again adds nothing…")
            let near = try await UserNotification.query(on: app.db).filter(\.$kind == "deadlineNear").all()
            XCTAssertEqual(near.count, 1, "…adds nothing")
            XCTAssertEqual(near.first?.title.contains("还有 6 天"), true, near.first?.title ?? "")
            // The day after it: passed, for the unit and the office.
            f.set("2019-01-01")
            _ = try await DeadlineWatch.run(app, day: app.clock.today)
            let passed = try await UserNotification.query(on: app.db).filter(\.$kind == "deadlinePassed").count()
            XCTAssertEqual(passed, 2)
            // Long after: not announced again (no flood on a first start over an old ledger).
            f.set("2019-03-01")
            let v17 = try await DeadlineWatch.run(app, day: app.clock.today)
            XCTAssertEqual(v17, 0)
        }
    }
}

extension InboxTests {
    func testASplitDownTaskTurningRedTellsTheOfficeOverTheTaskAboveIt() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let child = try await Store(db: app.db).createTask(inspectionID: f.inspectionID, TaskDraft(
                number: 2, title: "葫芦岛市落实实施方案", kind: .timeLimited, deadline: LocalDate(iso: "2018-06-30"),
                assignments: [.init(unitID: f.units["cooperating"]!, role: .responsible)], parentTaskID: f.taskID), state: .inProgress)
            // The child's deadline passes: red from the next day on.
            f.set("2018-07-02")
            try await app.statusFreshness.ensure(app)
            _ = try await DeadlineWatch.run(app, day: app.clock.today)
            let behind = try await UserNotification.query(on: app.db).filter(\.$kind == NotificationKind.childBehind.rawValue).all()
            let responsible = try await User.query(on: app.db).filter(\.$login == "responsible").first()!.id!
            let office = try await User.query(on: app.db).filter(\.$login == "office").first()!.id!
            // The office only: the units of the task above may not read the one below.
            XCTAssertEqual(Set(behind.map(\.$user.id)), [office])
            XCTAssertNotEqual(responsible, office)
            XCTAssertEqual(behind.first?.taskID, child.id)
        }
    }
}

/// A webhook receiver on a local port: records each POST and answers as told.
final class WebhookReceiver: @unchecked Sendable {
    let app: Application
    let bodies = NIOLockedValueBox<[(path: String, query: String, body: String)]>([])
    /// Answers, in order; the last repeats.
    let answers = NIOLockedValueBox<[(HTTPStatus, String)]>([(.ok, #"{"errcode":0,"errmsg":"ok"}"#)])
    var port = 0

    init() async throws {
        app = try await Application.make(.testing)
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        app.post("**") { [bodies, answers] req async -> Response in
            bodies.withLockedValue { $0.append((req.url.path, req.url.query ?? "", req.body.string ?? "")) }
            let (status, body) = answers.withLockedValue { a in a.count > 1 ? a.removeFirst() : a[0] }
            return Response(status: status, body: .init(string: body))
        }
        try app.server.start()
        port = app.http.server.shared.localAddress?.port ?? 0
    }

    func stop() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }
}

/// An SMTP sink on a local port: speaks just enough SMTP and keeps each message.
final class SMTPSink: @unchecked Sendable {
    let messages = NIOLockedValueBox<[(from: String, to: [String], data: String)]>([])
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    init(group: any EventLoopGroup) async throws {
        let messages = self.messages
        channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture { try child.pipeline.syncOperations.addHandler(Session(messages: messages)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() async throws { try await channel.close() }

    final class Session: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let messages: NIOLockedValueBox<[(from: String, to: [String], data: String)]>
        var pending = ""
        var inData = false
        var from = ""
        var to: [String] = []
        var data: [String] = []

        init(messages: NIOLockedValueBox<[(from: String, to: [String], data: String)]>) { self.messages = messages }

        func say(_ context: ChannelHandlerContext, _ line: String) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: line + "\r\n")), promise: nil)
        }

        func channelActive(context: ChannelHandlerContext) { say(context, "220 sink ready") }

        func channelRead(context: ChannelHandlerContext, data incoming: NIOAny) {
            var buffer = unwrapInboundIn(incoming)
            pending += buffer.readString(length: buffer.readableBytes) ?? ""
            while let range = pending.range(of: "\r\n") {
                let line = String(pending[..<range.lowerBound])
                pending.removeSubrange(..<range.upperBound)
                handle(context, line)
            }
        }

        func handle(_ context: ChannelHandlerContext, _ line: String) {
            if inData {
                if line == "." {
                    inData = false
                    let message = (from, to, data.joined(separator: "\r\n"))
                    messages.withLockedValue { $0.append(message) }
                    say(context, "250 queued")
                } else {
                    data.append(line)
                }
                return
            }
            switch line.prefix(4).uppercased() {
            case "EHLO": say(context, "250-sink"); say(context, "250 AUTH PLAIN")
            case "AUTH": say(context, "235 ok")
            case "MAIL": from = line; say(context, "250 ok")
            case "RCPT": to.append(line); say(context, "250 ok")
            case "DATA": inData = true; data = []; say(context, "354 go on")
            case "QUIT": say(context, "221 bye"); context.close(promise: nil)
            default: say(context, "502 what")
            }
        }
    }
}

final class ChannelTests: XCTestCase {
    func testRobotsGetEveryEventInTheirFormatWithRetriesAndTheOfficeSeesEachAttempt() async throws {
        let receiver = try await WebhookReceiver()
        do {
            try await withApp(adjust: { $0.deliveryRetrySeconds = 0; $0.publicURL = "https://zgb.example.gov.cn" }) { app in
                let f = try await Fixture(app, state: .draft)
                let base = "http://127.0.0.1:\(receiver.port)"
                _ = try await f.expect(.created, .POST, "/api/v1/channels", as: "office",
                                       #"{"kind":"wecom","name":"整改办工作群","target":"\#(base)/cgi-bin/webhook/send?key=SECRETKEY"}"#)
                let ding = try await f.expect(.created, .POST, "/api/v1/channels", as: "office",
                                              #"{"kind":"dingtalk","name":"督办群","target":"\#(base)/robot/send?access_token=TOKEN","secret":"SEC123","events":["taskAssigned"]}"#)
                // The key and token never come back.
                XCTAssertFalse(ding.body.contains("TOKEN"), ding.body)
                XCTAssertFalse(ding.body.contains("SEC123"), ding.body)
                let list = try await f.expect(.ok, .GET, "/api/v1/channels", as: "office")
                XCTAssertFalse(list.body.contains("SECRETKEY"), list.body)
                XCTAssertEqual(list.json["total"] as? Int, 1 + 1)
                let v18 = try await f.expect(.ok, .GET, "/api/v1/channels", as: "foreignOffice").json["total"] as? Int
                XCTAssertEqual(v18, 0)
                // The first answer fails, the next succeeds: delivered on the retry.
                receiver.answers.withLockedValue { $0 = [(.internalServerError, "down"), (.ok, #"{"errcode":0}"#)] }
                _ = try await f.act(.assign, as: "office")
                await app.deliverer.drain(app)
                await app.deliverer.drain(app)
                let got = receiver.bodies.withLockedValue { $0 }
                let wecom = got.filter { $0.path == "/cgi-bin/webhook/send" }
                let dingtalk = got.filter { $0.path == "/robot/send" }
                XCTAssertGreaterThanOrEqual(wecom.count, 1)
                XCTAssertEqual(dingtalk.count, 1, "\(got.map(\.path))")
                for message in [wecom.last, dingtalk.last].compactMap({ $0 }) {
                    let json = try JSONSerialization.jsonObject(with: Data(message.body.utf8)) as? [String: Any]
                    XCTAssertEqual(json?["msgtype"] as? String, "text")
                    let content = (json?["text"] as? [String: Any])?["content"] as? String ?? ""
                    XCTAssertTrue(content.contains("落实生态文明建设实施方案"), content)
                    XCTAssertTrue(content.contains("https://zgb.example.gov.cn/tasks/\(f.taskID)"), content)
                }
                // 钉钉 加签: timestamp and sign on the query, with the token kept.
                XCTAssertTrue(dingtalk[0].query.contains("access_token=TOKEN"), dingtalk[0].query)
                XCTAssertTrue(dingtalk[0].query.contains("timestamp="), dingtalk[0].query)
                XCTAssertTrue(dingtalk[0].query.contains("&sign="), dingtalk[0].query)
                let deliveries = try await Delivery.query(on: app.db).sort(\.$id).all()
                XCTAssertEqual(deliveries.count, 2)
                XCTAssertTrue(deliveries.allSatisfy { $0.state == .sent }, deliveries.map { "\($0.state) \($0.lastError)" }.joined(separator: ";"))
                XCTAssertEqual(deliveries.map(\.attempts).max(), 2, "one failure, one success")
                let id = try XCTUnwrap(deliveries.first?.$channel.id)
                let shown = try await f.expect(.ok, .GET, "/api/v1/channels/\(id)/deliveries", as: "office")
                XCTAssertEqual(shown.json["total"] as? Int, 1)
                _ = try await f.expect(.notFound, .GET, "/api/v1/channels/\(id)/deliveries", as: "foreignOffice")
            }
        } catch {
            try? await receiver.stop()
            throw error
        }
        try await receiver.stop()
    }

    func testARobotThatRefusesIsRetriedWithBackoffAndGivenUpAfterTheLastAttempt() async throws {
        let receiver = try await WebhookReceiver()
        do {
            try await withApp(adjust: { $0.deliveryRetrySeconds = 30 }) { app in
                let f = try await Fixture(app, state: .draft)
                _ = try await f.expect(.created, .POST, "/api/v1/channels", as: "office",
                                       #"{"kind":"wecom","name":"群","target":"http://127.0.0.1:\#(receiver.port)/send?key=k"}"#)
                // HTTP 200 with a robot's error code is a failure, not a delivery.
                receiver.answers.withLockedValue { $0 = [(.ok, #"{"errcode":93000,"errmsg":"invalid webhook url"}"#)] }
                _ = try await f.act(.assign, as: "office")
                await app.deliverer.drain(app)
                let v19 = try await Delivery.query(on: app.db).first()
                var d = try XCTUnwrap(v19)
                XCTAssertEqual(d.state, .pending)
                XCTAssertEqual(d.attempts, 1)
                XCTAssertTrue(d.lastError.contains("93000"), d.lastError)
                XCTAssertEqual(d.nextAttemptAt.timeIntervalSince(app.clock.now()), 30, accuracy: 1)
                // Not due yet: nothing sent.
                await app.deliverer.drain(app)
                XCTAssertEqual(receiver.bodies.withLockedValue { $0.count }, 1)
                // Move the clock past each wait: 30 s, 60 s, 120 s… until given up.
                var now = app.clock.now()
                for _ in 1..<Deliverer.maxAttempts {
                    now = now.addingTimeInterval(3_601)
                    let at = now
                    app.clock = AppClock { at }
                    await app.deliverer.drain(app)
                }
                let v20 = try await Delivery.query(on: app.db).first()
                d = try XCTUnwrap(v20)
                XCTAssertEqual(d.state, .failed)
                XCTAssertEqual(d.attempts, Deliverer.maxAttempts)
                XCTAssertEqual(receiver.bodies.withLockedValue { $0.count }, Deliverer.maxAttempts)
            }
        } catch {
            try? await receiver.stop()
            throw error
        }
        try await receiver.stop()
    }

    func testEmailGoesOutOverSMTPWithItsChineseIntact() async throws {
        try await withApp(adjust: { $0.deliveryRetrySeconds = 0 }) { app in
            let sink = try await SMTPSink(group: app.eventLoopGroup)
            do {
                let f = try await Fixture(app, state: .draft)
                _ = try await f.expect(.created, .POST, "/api/v1/channels", as: "office", #"""
                    {"kind":"smtp","name":"整改办邮箱","target":"smtp://127.0.0.1:\#(sink.port)",
                     "sender":"zgb@example.gov.cn","recipients":"a@example.gov.cn, b@example.gov.cn"}
                    """#)
                _ = try await f.act(.assign, as: "office")
                await app.deliverer.drain(app)
                let messages = sink.messages.withLockedValue { $0 }
                XCTAssertEqual(messages.count, 1)
                let m = try XCTUnwrap(messages.first)
                XCTAssertEqual(m.from, "MAIL FROM:<zgb@example.gov.cn>")
                XCTAssertEqual(m.to, ["RCPT TO:<a@example.gov.cn>", "RCPT TO:<b@example.gov.cn>"])
                // Headers unfolded; the subject is several encoded words of at most 75 characters.
                let headers = (m.data.components(separatedBy: "\r\n\r\n").first ?? "").replacingOccurrences(of: "\r\n ", with: " ")
                let subjectLine = headers.components(separatedBy: "\r\n").first { $0.hasPrefix("Subject: ") } ?? ""
                let words = subjectLine.dropFirst("Subject: ".count).split(separator: " ")
                XCTAssertTrue(words.allSatisfy { $0.count <= 75 && $0.hasPrefix("=?UTF-8?B?") }, subjectLine)
                let subject = words.map { w in
                    String(decoding: Data(base64Encoded: String(w.dropFirst("=?UTF-8?B?".count).dropLast(2))) ?? Data(), as: UTF8.self)
                }.joined()
                XCTAssertTrue(subject.contains("第1项 落实生态文明建设实施方案"), subject)
                let body = m.data.components(separatedBy: "\r\n\r\n").dropFirst().joined().replacingOccurrences(of: "\r\n", with: "")
                let text = String(decoding: Data(base64Encoded: body) ?? Data(), as: UTF8.self)
                XCTAssertTrue(text.contains("/tasks/\(f.taskID)"), text)
                let v21 = try await Delivery.query(on: app.db).first()?.state
                XCTAssertEqual(v21, .sent)
                // A bad address is refused before anything is saved.
                let bad = try await f.expect(.unprocessableEntity, .POST, "/api/v1/channels", as: "office",
                                             #"{"kind":"smtp","name":"x","target":"smtp://h:25","sender":"a@b.cn\r\nBcc: c@d.cn","recipients":"e@f.cn"}"#)
                XCTAssertEqual(bad.code, "validationFailed")
                // A login over plain smtp:// would send the password in clear: refused.
                let cleartext = try await f.expect(.unprocessableEntity, .POST, "/api/v1/channels", as: "office",
                                                   #"{"kind":"smtp","name":"x","target":"smtp://zgb@127.0.0.1:25","secret":"pw","sender":"a@b.cn","recipients":"e@f.cn"}"#)
                XCTAssertTrue(cleartext.body.contains("channel.smtpCleartext"), cleartext.body)
            } catch {
                try? await sink.stop()
                throw error
            }
            try await sink.stop()
        }
    }
}

/// Objections made online during 公示 (issue 12 §6).
final class PublicObjectionTests: XCTestCase {
    func post(_ app: Application, _ path: String, _ form: String) async throws -> (HTTPStatus, String) {
        var out: (HTTPStatus, String) = (.internalServerError, "")
        try await app.test(.POST, path, beforeRequest: { req in
            req.headers.contentType = .urlEncodedForm
            req.body = ByteBuffer(string: form)
        }) { res async in out = (res.status, res.body.string) }
        return out
    }

    func page(_ app: Application, _ path: String, as cookies: HTTPCookies? = nil) async throws -> String {
        var html = ""
        try await app.test(.GET, path, beforeRequest: { $0.signIn(cookies) }) { res async in
            XCTAssertEqual(res.status, .ok, path)
            html = res.body.string
        }
        return html
    }

    func testACitizenObjectsOnlineTheOfficeAnswersAndOnlyTheAnswerIsPublic() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .draft)
            let noticeID = try await RoleMatrixTests.notice(f, ended: false)
            let publicPage = "/public/inspections/\(f.inspectionID)"
            let v22 = try await page(app, publicPage).contains("/public/notices/\(noticeID)/objections")
            XCTAssertTrue(v22, "the form is on the notice")
            // Missing contact: the form again, nothing recorded.
            let missing = try await post(app, "/public/notices/\(noticeID)/objections", "content=%E6%B2%A1%E6%9C%89%E6%95%B4%E6%94%B9")
            XCTAssertEqual(missing.0, .unprocessableEntity)
            XCTAssertTrue(missing.1.contains("请留下联系电话或电子邮箱"), missing.1)
            let v23 = try await TaskEntry.query(on: app.db).filter(\.$kind == .objection).count()
            XCTAssertEqual(v23, 0)
            // A real one, with a contact full of characters that need escaping.
            let contact = "13800000000 <b>&\"'"
            let form = "content=" + "河道仍有黑臭 & \"垃圾\"".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                + "&contact=" + contact.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                + "&name=" + "张三".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let ok = try await post(app, "/public/notices/\(noticeID)/objections", form)
            XCTAssertEqual(ok.0, .created, ok.1)
            XCTAssertTrue(ok.1.contains("已收到您对第1项"), ok.1)
            let v24 = try await TaskEntry.query(on: app.db).filter(\.$kind == .objection).first()
            let entry = try XCTUnwrap(v24)
            XCTAssertEqual(entry.$parent.id, noticeID)
            let v25 = try await ObjectionContact.query(on: app.db).first()
            let stored = try XCTUnwrap(v25)
            XCTAssertEqual(stored.contact, contact)
            XCTAssertNotEqual(stored.address, "203.0.113.9", "the address is kept only as a hash")
            // The office hears of it, and closure now waits for the answer.
            let officeInbox = try await f.expect(.ok, .GET, "/api/v1/notifications", as: "office")
            XCTAssertEqual((officeInbox.json["items"] as? [[String: Any]])?.first?["kind"] as? String, "objectionReceived")
            // The office's task page shows who to answer; a unit's and the public page never do.
            let officePage = try await page(app, "/tasks/\(f.taskID)", as: try await f.cookie("office"))
            XCTAssertTrue(officePage.contains("13800000000 &lt;b&gt;&amp;"), "office sees the contact, escaped")
            let unitPage = try await page(app, "/tasks/\(f.taskID)", as: try await f.cookie("responsible"))
            XCTAssertFalse(unitPage.contains("13800000000"))
            XCTAssertFalse(unitPage.contains("张三"))
            let audit = try await AuditEvent.query(on: app.db).filter(\.$action == "objection.public").all()
            XCTAssertEqual(audit.count, 1)
            XCTAssertFalse((audit.first?.afterJSON ?? "").contains("13800000000"), "the trail keeps no contact")
            let v26 = try await page(app, publicPage).contains("13800000000")
            XCTAssertFalse(v26)
            // Answered: the answer is public, the contact still not.
            _ = try await f.expect(.ok, .POST, "/api/v1/objections/\(entry.id!)/answer", as: "office",
                                   #"{"answer":"经现场核查,河道已清理完毕","upheld":false}"#)
            let after = try await page(app, publicPage)
            XCTAssertTrue(after.contains("经现场核查,河道已清理完毕"))
            XCTAssertFalse(after.contains("13800000000"))
            XCTAssertFalse(after.contains("张三"))
        }
    }

    func testObjectionsAreLimitedPerAddressAndOnlyDuringTheNotice() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .draft)
            let noticeID = try await RoleMatrixTests.notice(f, ended: false)
            for i in 0..<PublicObjection.perHour {
                let r = try await post(app, "/public/notices/\(noticeID)/objections", "content=x\(i)&contact=1380000000\(i)")
                XCTAssertEqual(r.0, .created, r.1)
            }
            let limited = try await post(app, "/public/notices/\(noticeID)/objections", "content=again&contact=13800000009")
            XCTAssertEqual(limited.0, .tooManyRequests)
            XCTAssertTrue(limited.1.contains("过于频繁"), limited.1)
            let v27 = try await TaskEntry.query(on: app.db).filter(\.$kind == .objection).count()
            XCTAssertEqual(v27, PublicObjection.perHour)
            // After the notice: refused, nothing recorded.
            f.set("2018-03-06")
            let late = try await post(app, "/public/notices/\(noticeID)/objections", "content=late&contact=1")
            XCTAssertEqual(late.0, .conflict)
            let v28 = try await post(app, "/public/notices/99999/objections", "content=x&contact=1").0
            XCTAssertEqual(v28, .notFound)
            let v29 = try await TaskEntry.query(on: app.db).filter(\.$kind == .objection).count()
            XCTAssertEqual(v29, PublicObjection.perHour)
        }
    }
}
