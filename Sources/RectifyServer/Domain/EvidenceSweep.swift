import Fluent
import Foundation
import NIOCore
import Vapor

/// Removes what a crash can leave in the evidence store: temporary files of writes
/// that never finished, and files stored for an upload whose transaction never
/// committed (the bytes go to disk before the row is written). Only files older than
/// `minimumAge` are touched, so uploads under way on this or another instance are not.
enum EvidenceSweep {
    static let minimumAge: TimeInterval = 3600

    struct Result: Equatable {
        var temporary = 0
        var orphans = 0
    }

    static func run(directory: String, on db: any Database, now: Date = Date(), minimumAge: TimeInterval = minimumAge) async throws -> Result {
        let fm = FileManager.default
        var result = Result()
        guard let shards = try? fm.contentsOfDirectory(atPath: directory) else { return result }
        for shard in shards.sorted() {
            let folder = directory + "/" + shard
            guard let names = try? fm.contentsOfDirectory(atPath: folder) else { continue }
            var candidates: [String: String] = [:]
            for name in names {
                let path = folder + "/" + name
                guard let modified = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                      now.timeIntervalSince(modified) >= minimumAge else { continue }
                if name.contains(DurableFile.temporaryMarker) {
                    if (try? fm.removeItem(atPath: path)) != nil { result.temporary += 1 }
                } else if name.count == 64, name.allSatisfy(\.isHexDigit) {
                    candidates[name] = path
                }
            }
            guard !candidates.isEmpty else { continue }
            let known = Set(try await EvidenceFile.query(on: db).filter(\.$sha256 ~~ Array(candidates.keys)).all().map(\.sha256))
            for (sha, path) in candidates where !known.contains(sha) {
                // Touched since the listing: an upload of the same bytes is linking it now.
                if let modified = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                   now.timeIntervalSince(modified) < minimumAge { continue }
                if (try? fm.removeItem(atPath: path)) != nil { result.orphans += 1 }
            }
            DurableFile.syncDirectory(folder)
        }
        return result
    }

    /// At start and then hourly.
    static func start(_ app: Application) {
        guard let directory = app.rectifyConfig?.evidenceDirectory else { return }
        let task = app.eventLoopGroup.next().scheduleRepeatedAsyncTask(initialDelay: .seconds(5), delay: .hours(1)) { _ in
            app.eventLoopGroup.next().makeFutureWithTask {
                do {
                    let r = try await run(directory: directory, on: app.db)
                    if r != Result() {
                        app.logger.notice("evidence sweep: removed \(r.temporary) unfinished and \(r.orphans) unlinked files")
                    }
                } catch {
                    app.logger.error("evidence sweep failed: \(String(reflecting: error))")
                }
            }
        }
        app.storage.set(Key.self, to: task, onShutdown: { $0.cancel() })
    }

    struct Key: StorageKey { typealias Value = RepeatedTask }
}
