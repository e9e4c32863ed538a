import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// Just enough SMTP (RFC 5321) to hand a message to an office's mail server: EHLO,
/// optional AUTH PLAIN, MAIL, RCPT, DATA, QUIT; plain TCP (smtp://) or TLS from the
/// first byte (smtps://). The body is UTF-8 in base64, so any text survives any relay.
enum SMTPClient {
    struct Message: Sendable {
        let from: String
        let to: [String]
        let subject: String
        let body: String
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func send(_ m: Message, target: String, password: String, on group: any EventLoopGroup,
                     timeout: TimeAmount = .seconds(20)) async throws {
        guard let url = URLComponents(string: target), let host = url.host, !host.isEmpty,
              url.scheme == "smtp" || url.scheme == "smtps" else { throw Failure(description: "邮件服务器地址无效") }
        let tls = url.scheme == "smtps"
        let port = url.port ?? (tls ? 465 : 25)
        let lines = LineReader()
        let sslContext = tls ? try NIOSSLContext(configuration: .makeClientConfiguration()) : nil
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: host))
                    }
                    try channel.pipeline.syncOperations.addHandler(lines)
                }
            }
            .connect(host: host, port: port).get()
        // However the server stalls, the connection ends after `timeout`.
        let watchdog = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        defer {
            watchdog.cancel()
            channel.close(promise: nil)
        }
        func command(_ text: String?, expect: ClosedRange<Int>) async throws {
            if let text { try await channel.writeAndFlush(ByteBuffer(string: text + "\r\n")).get() }
            let (code, reply) = try await lines.reply()
            guard expect.contains(code) else {
                throw Failure(description: "邮件服务器拒绝(\(code) \(reply.prefix(200)))")
            }
        }
        try await command(nil, expect: 220...220)
        try await command("EHLO rectify.local", expect: 250...250)
        if let login = url.user, !login.isEmpty {
            let plain = Data("\u{0}\(login.removingPercentEncoding ?? login)\u{0}\(password)".utf8).base64EncodedString()
            try await command("AUTH PLAIN \(plain)", expect: 235...235)
        }
        try await command("MAIL FROM:<\(m.from)>", expect: 250...250)
        for r in m.to { try await command("RCPT TO:<\(r)>", expect: 250...251) }
        try await command("DATA", expect: 354...354)
        try await command(compose(m) + "\r\n.", expect: 250...250)
        try? await command("QUIT", expect: 221...221)
    }

    /// The message as sent: headers, a blank line, the body in base64 lines of 76.
    static func compose(_ m: Message, date: Date = Date()) -> String {
        // Encoded words of at most 75 characters (RFC 2047): 45 bytes of UTF-8 each, cut between characters.
        var words: [String] = []
        var chunk = ""
        for ch in m.subject {
            if chunk.utf8.count + String(ch).utf8.count > 45 {
                words.append("=?UTF-8?B?\(Data(chunk.utf8).base64EncodedString())?=")
                chunk = ""
            }
            chunk.append(ch)
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?\(Data(chunk.utf8).base64EncodedString())?=") }
        let subject = words.joined(separator: "\r\n ")
        let body = Data(m.body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
            .base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return [
            "From: <\(m.from)>",
            "To: " + m.to.map { "<\($0)>" }.joined(separator: ",\r\n "),
            "Subject: \(subject)",
            "Date: \(formatter.string(from: date))",
            "Message-ID: <\(UUID().uuidString)@rectify>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "",
            body,
        ].joined(separator: "\r\n")
    }

    /// Collects the server's lines and hands out whole replies (a multi-line reply ends
    /// at the line whose fourth character is a space).
    final class LineReader: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer

        private let state = NIOLockedValueBox<(buffer: [UInt8], lines: [String], waiter: CheckedContinuation<String?, Never>?, closed: Bool)>(([], [], nil, false))

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
            let waiter: (CheckedContinuation<String?, Never>, String)? = state.withLockedValue { s in
                s.buffer += bytes
                // Guards memory against a server that never ends a line.
                if s.buffer.count > 1 << 20 { s.buffer.removeAll() }
                while let nl = s.buffer.firstIndex(of: 10) {
                    var line = Array(s.buffer[..<nl])
                    if line.last == 13 { line.removeLast() }
                    s.lines.append(String(decoding: line, as: UTF8.self))
                    s.buffer.removeSubrange(...nl)
                }
                guard let w = s.waiter, !s.lines.isEmpty else { return nil }
                s.waiter = nil
                return (w, s.lines.removeFirst())
            }
            if let (w, line) = waiter { w.resume(returning: line) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            let w = state.withLockedValue { s -> CheckedContinuation<String?, Never>? in
                s.closed = true
                defer { s.waiter = nil }
                return s.waiter
            }
            w?.resume(returning: nil)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }

        private func line() async -> String? {
            await withCheckedContinuation { (c: CheckedContinuation<String?, Never>) in
                let ready: String?? = state.withLockedValue { s in
                    if !s.lines.isEmpty { return .some(s.lines.removeFirst()) }
                    if s.closed { return .some(nil) }
                    s.waiter = c
                    return nil
                }
                if let ready { c.resume(returning: ready) }
            }
        }

        func reply() async throws -> (Int, String) {
            var text: [String] = []
            while true {
                guard let line = await line() else { throw Failure(description: "邮件服务器断开了连接") }
                text.append(line)
                let chars = Array(line.utf8)
                guard chars.count >= 3, let code = Int(String(decoding: chars[0..<3], as: UTF8.self)) else {
                    throw Failure(description: "邮件服务器的答复无法识别")
                }
                if chars.count == 3 || chars[3] == UInt8(ascii: " ") { return (code, text.joined(separator: " ")) }
                if text.count > 100 { throw Failure(description: "邮件服务器的答复过长") }
            }
        }
    }
}
