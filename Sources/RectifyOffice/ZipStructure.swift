import Foundation

/// Checks an uploaded ZIP's own bookkeeping before ZIPFoundation reads it. ZIPFoundation
/// trusts the offsets a file states, and an offset past the end traps inside it (a
/// fuzzed workbook whose central directory "began" beyond the file killed the server).
/// Every offset and length is checked here against the bytes actually there.
enum ZipStructure {
    static let endSignature: UInt32 = 0x0605_4B50
    static let centralSignature: UInt32 = 0x0201_4B50
    static let localSignature: UInt32 = 0x0403_4B50

    static func check(_ data: Data) throws {
        let bytes = [UInt8](data)
        func u16(_ at: Int) -> Int? { at >= 0 && at + 2 <= bytes.count ? Int(bytes[at]) | Int(bytes[at + 1]) << 8 : nil }
        func u32(_ at: Int) -> Int? {
            guard at >= 0, at + 4 <= bytes.count else { return nil }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        }
        // The end record: the last 22 bytes, or earlier by a comment of at most 65,535 bytes.
        var end: Int?
        var at = bytes.count - 22
        while at >= 0, at >= bytes.count - 22 - 65_535 {
            if u32(at) == Int(endSignature) { end = at; break }
            at -= 1
        }
        guard let end, let count = u16(end + 10), let size = u32(end + 12), let offset = u32(end + 16) else {
            throw OfficeError.corrupt("找不到压缩包目录")
        }
        // ZIP64 (over 4 GB or 65,535 entries) is never a ledger of 20 MB.
        guard count != 0xFFFF, size != 0xFFFF_FFFF, offset != 0xFFFF_FFFF, offset + size <= end else {
            throw OfficeError.corrupt("压缩包目录的位置超出文件")
        }
        var entry = offset
        for _ in 0..<count {
            guard u32(entry) == Int(centralSignature), let compressed = u32(entry + 20), let nameLength = u16(entry + 28),
                  let extraLength = u16(entry + 30), let commentLength = u16(entry + 32), let local = u32(entry + 42) else {
                throw OfficeError.corrupt("压缩包目录不完整")
            }
            guard u32(local) == Int(localSignature), let localName = u16(local + 26), let localExtra = u16(local + 28),
                  local + 30 + localName + localExtra + compressed <= offset else {
                throw OfficeError.corrupt("压缩包中的文件位置超出范围")
            }
            entry += 46 + nameLength + extraLength + commentLength
            guard entry <= offset + size else { throw OfficeError.corrupt("压缩包目录超出其声明的大小") }
        }
    }
}
