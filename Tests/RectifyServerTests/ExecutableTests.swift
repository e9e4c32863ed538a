import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SQLKit
import XCTest
@testable import RectifyServer

/// The `rectify` binary as a person runs it: real process, real exit codes, real
/// output. Each run gets its own data directory; none touches ./data/.
final class ExecutableTests: XCTestCase {
    var binary: URL { Bundle.main.bundleURL.appendingPathComponent("rectify") }

    struct Outcome {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    func environment(_ extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = nil
        env["RECTIFY_DATA_DIR"] = FileManager.default.temporaryDirectory
            .appendingPathComponent("rectify-exe-\(UUID().uuidString)").path
        env["LOG_LEVEL"] = "error"
        return env.merging(extra) { $1 }
    }

    func launch(_ args: [String], env: [String: String]) throws -> (Process, Pipe, Pipe) {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        return (p, out, err)
    }

    func runToEnd(_ args: [String], _ extra: [String: String] = [:]) throws -> Outcome {
        let (p, out, err) = try launch(args, env: environment(extra))
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Outcome(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                       stderr: String(decoding: e, as: UTF8.self))
    }

    func assertOneClearLine(_ o: Outcome, contains text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(o.status, 0, file: file, line: line)
        let lines = o.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one line, got: \(o.stderr)", file: file, line: line)
        XCTAssertTrue(o.stderr.hasPrefix("rectify: ") && o.stderr.contains(text), o.stderr, file: file, line: line)
    }

    func testAnUnknownOptionGetsOneLineAndAFailingExit() throws {
        assertOneClearLine(try runToEnd(["serve", "--bogus"]), contains: "无法识别的参数:--bogus")
        assertOneClearLine(try runToEnd(["frobnicate"]), contains: "没有命令“frobnicate”")
    }

    func testABadDatabaseURLGetsOneLineAndAFailingExit() throws {
        assertOneClearLine(try runToEnd(["migrate"], ["DATABASE_URL": "mysql://localhost/db"]), contains: "DATABASE_URL 不是 PostgreSQL 地址")
        let refused = try runToEnd(["migrate"], ["DATABASE_URL": "postgres://rectify:secret@127.0.0.1:1/rectify"])
        assertOneClearLine(refused, contains: "连接被拒绝")
        XCTAssertFalse(refused.stderr.contains("secret"), "the password is never printed")
    }

    func testServeLoadsTheDemoPrintsWhereToLogInAndRefusesABusyPort() async throws {
        // Below Linux's ephemeral range (32768–60999): a port there may be held by any outgoing
        // connection of the moment, and then the server cannot listen on it.
        let port = String(Int.random(in: 20_000...32_000))
        var extra: [String: String] = [:]
        if let url = TestDatabase.postgresURL {
            // serve on PostgreSQL too, from an empty schema, as an office would start it.
            try await withApp { app in
                let sql = try XCTUnwrap(app.db as? any SQLDatabase)
                try await sql.raw("DROP SCHEMA public CASCADE").run()
                try await sql.raw("CREATE SCHEMA public").run()
            }
            extra["DATABASE_URL"] = url
        }
        let env = environment(extra)
        let (server, out, err) = try launch(["serve", "--port", port], env: env)
        defer { if server.isRunning { server.interrupt(); server.waitUntilExit() } }

        // Wait for the banner (bounded: 60 s in a debug build).
        var banner = ""
        let deadline = Date().addingTimeInterval(60)
        let reader = out.fileHandleForReading
        while !banner.contains("按 Ctrl+C 停止"), Date() < deadline {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            banner += String(decoding: chunk, as: UTF8.self)
        }
        if !banner.contains("按 Ctrl+C 停止"), !server.isRunning {
            // It stopped: say why, from its standard error.
            banner += String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        XCTAssertTrue(banner.contains("已加载演示数据:7 次督察"), banner)
        XCTAssertTrue(banner.contains("http://127.0.0.1:\(port)/"), banner)
        XCTAssertTrue(banner.contains(TestDatabase.isPostgres ? "PostgreSQL" : "SQLite"), banner)
        XCTAssertTrue(banner.contains("office    密码 office-demo"), banner)

        let (health, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!)
        XCTAssertTrue(String(decoding: health, as: UTF8.self).contains("ok"))

        // A second server on the same port, with its own data directory.
        let busy = try runToEnd(["serve", "--port", port, "--no-demo"])
        assertOneClearLine(busy, contains: "端口已被占用")

        server.interrupt()
        server.waitUntilExit()
        XCTAssertEqual(server.terminationStatus, 0)
    }
}

/// `rectify import-report` as a person runs it.
final class ImportReportExecutableTests: XCTestCase {
    var binary: URL { Bundle.main.bundleURL.appendingPathComponent("rectify") }
    var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("RectifyCoreTests/Fixtures")
    }

    func run(_ args: [String]) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = nil
        env["RECTIFY_DATA_DIR"] = FileManager.default.temporaryDirectory.appendingPathComponent("rectify-ir-\(UUID().uuidString)").path
        env["LOG_LEVEL"] = "error"
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    func testPrintsOneJSONObjectForASeed() throws {
        let seed = try FileManager.default.contentsOfDirectory(atPath: fixtures.path).first { $0.hasPrefix("004") }!
        let (status, out, err) = try run(["import-report", fixtures.appendingPathComponent(seed).path, "--json"])
        XCTAssertEqual(status, 0, err)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let figures = try XCTUnwrap(object["figures"] as? [String: Any])
        XCTAssertEqual(figures["tasksTotal"] as? Int, 58)
        XCTAssertEqual(figures["petitionClosureRate"] as? Double, 94)
        XCTAssertNil(figures["completed"], "figures the text does not state are absent")
        let problems = try XCTUnwrap(object["problems"] as? [[String: Any]])
        XCTAssertEqual(problems.count, 27)
        XCTAssertEqual(problems[0]["number"] as? Int, 37)
        XCTAssertEqual(problems[0]["status"] as? String, "inProgress")
        XCTAssertEqual(problems[0]["longTerm"] as? Bool, false)
        XCTAssertEqual(problems[0]["statusText"] as? String, "正在推进整改")
        XCTAssertNotNil(problems[0]["measures"] as? String)
        XCTAssertEqual(Set(problems[0].keys), ["number", "text", "status", "longTerm", "statusText", "measures"])
    }

    func testRefusesWhatIsNotAReport() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString).txt")
        FileManager.default.createFile(atPath: empty.path, contents: Data())
        let plain = FileManager.default.temporaryDirectory.appendingPathComponent("plain-\(UUID().uuidString).txt")
        try "这是一段与整改无关的文字。".write(to: plain, atomically: true, encoding: .utf8)
        let gbk = FileManager.default.temporaryDirectory.appendingPathComponent("gbk-\(UUID().uuidString).txt")
        try Data([0xD5, 0xFB, 0xB8, 0xC4]).write(to: gbk)   // 整改 in GBK
        let image = FileManager.default.temporaryDirectory.appendingPathComponent("image-\(UUID().uuidString).png")
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]).write(to: image)
        for (path, expected) in [("/no/such/file.txt", "找不到文件"), (empty.path, "是空的"), (plain.path, "没有识别出"),
                                 (gbk.path, "不是 UTF-8"), (image.path, "不是文本文件")] {
            let (status, out, err) = try run(["import-report", path, "--json"])
            XCTAssertEqual(status, 1, path)
            XCTAssertEqual(out, "", path)
            XCTAssertEqual(err.split(separator: "\n").count, 1, err)
            XCTAssertTrue(err.contains(expected), err)
        }
    }
}
