import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Files that survive a crash whole or not at all: written under a temporary name,
/// flushed to disk, renamed into place, and the directory flushed so the rename
/// itself is on disk. Temporary names end in `.part-<uuid>`; `EvidenceSweep` removes
/// any a crash left behind.
enum DurableFile {
    static let temporaryMarker = ".part-"

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Writes `bytes` to `target` unless it exists already (content-addressed stores
    /// write the same bytes to the same name). Touches an existing file, so a sweep
    /// that runs meanwhile sees it as new.
    static func write(_ bytes: [UInt8], to target: String) throws {
        let fm = FileManager.default
        let directory = (target as NSString).deletingLastPathComponent
        if fm.fileExists(atPath: target) {
            try? fm.setAttributes([.modificationDate: Date()], ofItemAtPath: target)
            return
        }
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temp = target + temporaryMarker + UUID().uuidString
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw Failure(description: "cannot create \(temp): errno \(errno)") }
        var written = 0
        let ok: Bool = bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return fsync(fd) == 0 }
            while written < raw.count {
                let n = Glibc.write(fd, base + written, raw.count - written)
                if n < 0 { if errno == EINTR { continue }; return false }
                written += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard ok else {
            unlink(temp)
            throw Failure(description: "cannot write \(temp): errno \(errno)")
        }
        guard rename(temp, target) == 0 else {
            unlink(temp)
            throw Failure(description: "cannot rename \(temp): errno \(errno)")
        }
        syncDirectory(directory)
    }

    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }
}
