import Foundation
import ZIPFoundation

/// The few ZIP operations the Office formats need, over ZIPFoundation.
enum Zip {
    /// A new archive written to `url`, entries added in order, deflated.
    static func write(to url: URL, entries: [(path: String, source: Source)]) throws {
        try? FileManager.default.removeItem(at: url)
        let archive = try Archive(url: url, accessMode: .create)
        for (path, source) in entries { try add(path, source, to: archive) }
    }

    /// The same, in memory (small documents: a DOCX report).
    static func data(entries: [(path: String, source: Source)]) throws -> Data {
        let archive = try Archive(accessMode: .create)
        for (path, source) in entries { try add(path, source, to: archive) }
        guard let data = archive.data else { throw OfficeError("file.writeFailed", "无法生成文件") }
        return data
    }

    enum Source {
        case text(String)
        case file(URL)
    }

    private static func add(_ path: String, _ source: Source, to archive: Archive) throws {
        // A fixed time keeps the same content byte-identical from run to run.
        let stamp = Date(timeIntervalSince1970: 1_577_836_800)
        switch source {
        case .text(let s):
            let data = Data(s.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: stamp,
                                 compressionMethod: .deflate, provider: { position, size in
                                     data.subdata(in: Int(position)..<Int(position) + size)
                                 })
        case .file(let url):
            let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value ?? 0
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            try archive.addEntry(with: path, type: .file, uncompressedSize: size, modificationDate: stamp,
                                 compressionMethod: .deflate, bufferSize: 256 * 1024, provider: { _, size in
                                     try handle.read(upToCount: size) ?? Data()
                                 })
        }
    }
}
