import Fluent
import XCTVapor
import RectifyCore
@testable import RectifyServer

final class EvidenceTests: XCTestCase {
    let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0] + Array("现场照片".utf8) + Array(repeating: 7, count: 2_000)

    func upload(_ f: Fixture, _ bytes: [UInt8], name: String = "现场照片.jpg", as login: String) async throws -> Fixture.Reply {
        let cookie = try await f.cookie(login)
        var reply = Fixture.Reply(status: .internalServerError, body: "")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
        try await f.app.test(.POST, "/api/v1/tasks/\(f.taskID)/evidence?name=\(encoded)", beforeRequest: { req in
            req.signIn(cookie)
            req.headers.contentType = .binary
            req.body = ByteBuffer(bytes: bytes)
        }, afterResponse: { res async in reply = Fixture.Reply(status: res.status, body: res.body.string) })
        return reply
    }

    func download(_ f: Fixture, _ path: String, as login: String) async throws -> (HTTPStatus, [UInt8], String?) {
        let cookie = try await f.cookie(login)
        var result: (HTTPStatus, [UInt8], String?) = (.internalServerError, [], nil)
        try await f.app.test(.GET, path, beforeRequest: { req in req.signIn(cookie) }) { res async in
            result = (res.status, Array(res.body.readableBytesView), res.headers.first(name: .contentType))
        }
        return result
    }

    func testTheSameFileIsStoredOnceAndServedOnlyToThoseWhoMaySeeTheTask() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let first = try await upload(f, jpeg, as: "responsible")
            XCTAssertEqual(first.status, .created, first.body)
            let second = try await upload(f, jpeg, name: "核查照片.jpg", as: "acceptor")
            XCTAssertEqual(second.status, .created, second.body)
            XCTAssertEqual(first.json["sha256"] as? String, second.json["sha256"] as? String)
            let files = try await EvidenceFile.query(on: app.db).count()
            XCTAssertEqual(files, 1)
            let sha = first.json["sha256"] as! String
            let stored = FileManager.default.contents(atPath: app.rectifyConfig!.evidenceDirectory + "/\(sha.prefix(2))/\(sha)")
            XCTAssertEqual(stored.map(Array.init), jpeg)

            let id = first.id
            let seen = try await download(f, "/api/v1/evidence/\(id)", as: "leader")
            XCTAssertEqual(seen.0, .ok)
            XCTAssertEqual(seen.1, jpeg)
            XCTAssertEqual(seen.2, "image/jpeg")
            for outsider in ["stranger", "foreignOffice"] {
                let hidden = try await download(f, "/api/v1/evidence/\(id)", as: outsider)
                XCTAssertEqual(hidden.0, .notFound, outsider)
            }
            let leaderUpload = try await upload(f, jpeg, as: "leader")
            XCTAssertEqual(leaderUpload.status, .forbidden)
        }
    }

    func testOnlyPublishedFilesReachThePublic() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let id = try await upload(f, jpeg, as: "responsible").id
            let before = try await download(f, "/public/evidence/\(id)", as: "anonymous")
            XCTAssertEqual(before.0, .notFound)
            try await f.expect(.forbidden, .POST, "/api/v1/evidence/\(id)/publish", as: "responsible", #"{"isPublic":true}"#)
            try await f.expect(.ok, .POST, "/api/v1/evidence/\(id)/publish", as: "office", #"{"isPublic":true}"#)
            let after = try await download(f, "/public/evidence/\(id)", as: "anonymous")
            XCTAssertEqual(after.0, .ok)
            XCTAssertEqual(after.1, jpeg)
        }
    }

    func testRefusalsSayWhyAndStoreNothing() async throws {
        try await withApp(adjust: { $0.evidenceMaxBytes = 1024 * 1024 }) { app in
            let f = try await Fixture(app, state: .inProgress)
            let before = try await f.fingerprint()
            let text = try await upload(f, Array("这不是图片".utf8), name: "照片.jpg", as: "responsible")
            XCTAssertEqual(text.status, .unsupportedMediaType)
            XCTAssertEqual(text.code, "evidence.typeRefused")
            let empty = try await upload(f, [], as: "responsible")
            XCTAssertEqual(empty.status, .unprocessableEntity)
            XCTAssertEqual(empty.code, "evidence.empty")
            let unnamed = try await upload(f, jpeg, name: "", as: "responsible")
            XCTAssertEqual(unnamed.code, "evidence.nameInvalid")
            let huge = try await upload(f, jpeg + Array(repeating: 0, count: 2 * 1024 * 1024), as: "responsible")
            XCTAssertEqual(huge.status, .payloadTooLarge)
            XCTAssertTrue((huge.json["message"] as? String ?? "").contains("1 MB"), huge.body)
            let after = try await f.fingerprint()
            XCTAssertEqual(after, before)
            let files = try await EvidenceFile.query(on: app.db).count()
            XCTAssertEqual(files, 0)
            let dir = app.rectifyConfig!.evidenceDirectory
            let leftovers = (try? FileManager.default.subpathsOfDirectory(atPath: dir)) ?? []
            XCTAssertTrue(leftovers.allSatisfy { !$0.contains(".part-") })
        }
    }
}
