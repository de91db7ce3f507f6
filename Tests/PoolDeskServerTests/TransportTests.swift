import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import NIOSSL
import PoolDeskAPI
import PoolDeskJournal
@testable import PoolDeskServer
import PoolEngine
import SwiftASN1
import Synchronization
import Testing
import X509

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The transport's security and abuse rules on the real server: TLS, the connection cap, idle and half-open
/// connections, heartbeats, secret checks off the sequencer, and accounts added or revoked while serving.
/// Waits are bounded (a safety limit fails the test instead of hanging it); nothing asserts a duration.
@Suite("pooldesk serve transport", .serialized)
struct TransportTests {
    static let logger = Logger(label: "transport-tests")

    @Test("TLS: wss with a client that trusts the server's self-signed certificate; plain HTTP on its port gets no answer")
    func tls() async throws {
        let identity = try SelfSignedIdentity()
        var options = ServerOptions()
        options.tls = try ServerTLS.load(certificatePath: identity.certificatePath, keyPath: identity.keyPath)
        try await ServerTests.withServer(options: options) { served in
            var trusting = TLSConfiguration.makeClientConfiguration()
            trusting.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(identity.certificatePEM.utf8), format: .pem)])
            let client = trusting
            let replies = ReplyLog()
            try await withLimit {
                try await WebSocketClient.connect(url: "wss://127.0.0.1:\(served.port)/ws/api/v2", configuration: .init(sniHostname: "localhost"),
                                                  tlsConfiguration: client, logger: Self.logger) { inbound, outbound, _ in
                    var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                    try await outbound.write(.text(#"{"jsonrpc":"2.0","id":1,"method":"public/auth","params":{"grant_type":"client_credentials","client_id":"\#(served.clientID)","client_secret":"\#(served.secret)"}}"#))
                    if case .text(let text)? = try await messages.next() { await replies.add("auth", ServerTests.json(text)) }
                    try await outbound.close(.normalClosure, reason: nil)
                }
            }
            #expect(await replies.values["auth"]?["result"]?["token_type"] == "bearer")
            // The same port in clear: no HTTP answer, the connection is closed.
            let clear = try RawSocket(port: served.port)
            clear.send("GET /api/v2/public/test HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let answer = await clear.readUntilClosed()
            #expect(answer.map { !String(decoding: $0, as: UTF8.self).contains("HTTP/1.1") } == true, "no plain HTTP is served")
        }
    }

    @Test("TLS files are checked before serving: unreadable, not PEM, or a key that is not the certificate's")
    func tlsFiles() throws {
        let first = try SelfSignedIdentity()
        let second = try SelfSignedIdentity()
        func refusal(_ certificate: String, _ key: String) -> String? {
            do {
                _ = try ServerTLS.load(certificatePath: certificate, keyPath: key)
                return nil
            } catch {
                return error.description
            }
        }
        let mismatched = refusal(first.certificatePath, second.keyPath)
        #expect(mismatched?.contains("does not belong") == true, "\(mismatched ?? "accepted")")
        let notACertificate = refusal(first.keyPath, first.keyPath)
        #expect(notACertificate?.contains("--tls-cert") == true, "\(notACertificate ?? "accepted")")
        let missing = refusal(first.certificatePath, first.directory + "/missing.pem")
        #expect(missing?.contains("no such file") == true, "\(missing ?? "accepted")")
        #expect(refusal(first.certificatePath, first.keyPath) == nil)
    }

    @Test("the connection cap: past it a connection gets HTTP 503 with a JSON-RPC error, and is counted; freed slots are reused")
    func connectionCap() async throws {
        var options = ServerOptions()
        options.maximumConnections = 2
        try await ServerTests.withServer(options: options) { served in
            let (ready, readySink) = AsyncStream.makeStream(of: Int.self)
            let releases = (0..<2).map { _ in AsyncStream.makeStream(of: Void.self) }
            try await withThrowingTaskGroup(of: Void.self) { holders in
                // Two WebSocket clients hold both slots until released.
                for index in 0..<2 {
                    let release = releases[index].stream
                    holders.addTask {
                        try await WebSocketClient.connect(url: served.url, logger: Self.logger) { inbound, outbound, _ in
                            var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                            try await outbound.write(.text(#"{"jsonrpc":"2.0","id":1,"method":"public/test"}"#))
                            _ = try await messages.next()
                            readySink.yield(index)
                            for await _ in release {}
                            try await outbound.close(.normalClosure, reason: nil)
                        }
                    }
                }
                var readyIterator = ready.makeAsyncIterator()
                for _ in 0..<2 { _ = await readyIterator.next() }
                #expect(served.gate.openConnections == 2)

                try await withLimit {
                    try await TestClient.withClient(host: "127.0.0.1", port: served.port) { client in
                        let refused = try await client.get("/api/v2/public/test")
                        #expect(refused.status == .serviceUnavailable)
                        let body = ServerTests.json(String(buffer: try #require(refused.body)))
                        #expect(body?["error"]?["code"] == 10_066, "\(body?.text ?? "nil")")
                        #expect(body?["jsonrpc"] == "2.0")
                    }
                }
                await #expect(throws: (any Error).self) {
                    try await withLimit {
                        try await WebSocketClient.connect(url: served.url, logger: Self.logger) { _, outbound, _ in
                            try await outbound.close(.normalClosure, reason: nil)
                        }
                    }
                }
                #expect(served.gate.refusedConnections >= 2)
                for release in releases { release.continuation.finish() }
                try await holders.waitForAll()
            }
            // Slots come back when the connections close.
            let freed = try await poll { served.gate.openConnections == 0 }
            #expect(freed)
            try await withLimit {
                try await TestClient.withClient(host: "127.0.0.1", port: served.port) { client in
                    let status = try await client.get("/api/v2/public/test").status
                    #expect(status == .ok)
                }
            }
        }
    }

    @Test("the per-address cap: a third connection from one address is refused, others are not; loopback is exempt")
    func perAddressCap() {
        let gate = ConnectionGate(maximum: 10, maximumPerAddress: 2)
        func admitted(_ address: String) -> Bool {
            if case .admitted = gate.admit(address) { return true }
            return false
        }
        #expect(admitted("192.0.2.1") && admitted("192.0.2.1"))
        guard case .refused(let error, let count) = gate.admit("192.0.2.1") else {
            Issue.record("a third connection from one address was admitted")
            return
        }
        #expect(error.code == 10_066 && count == 1)
        #expect(admitted("192.0.2.2"))
        #expect((0..<5).allSatisfy { _ in admitted("127.0.0.1") })
        gate.release("192.0.2.1")
        #expect(admitted("192.0.2.1"))
        #expect(gate.openConnections == 8 && gate.refusedConnections == 1)
        #expect(admitted("192.0.2.3") && admitted("192.0.2.4"))
        #expect(!admitted("192.0.2.5"), "the server's cap of 10 is reached")
        #expect(gate.refusedConnections == 2)
    }

    @Test("a connection that sends nothing, or trickles an incomplete request, is closed")
    func silentAndSlowConnections() async throws {
        var options = ServerOptions()
        options.firstRequestTimeout = .milliseconds(300)
        options.idleTimeout = .milliseconds(600)
        try await ServerTests.withServer(options: options) { served in
            let silent = try RawSocket(port: served.port)
            #expect(await silent.closedByServer(), "a silent connection must be closed by the server")
            let slow = try RawSocket(port: served.port)
            slow.send("GET /api/v2/public/test HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            #expect(await slow.closedByServer(), "an incomplete request must not hold the connection")
            let freed = try await poll { served.gate.openConnections == 0 }
            #expect(freed)
        }
    }

    @Test("heartbeats: test_requests at the interval; answered ones keep the connection, an unanswered one closes it")
    func heartbeats() async throws {
        var options = ServerOptions()
        options.minimumHeartbeatInterval = 0.05
        try await ServerTests.withServer(options: options) { served in
            let log = ReplyLog()
            let counter = Counter()
            try await withLimit {
                try await WebSocketClient.connect(url: served.url, logger: Self.logger) { inbound, outbound, _ in
                    var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                    try await outbound.write(.text(#"{"jsonrpc":"2.0","id":1,"method":"public/set_heartbeat","params":{"interval":0.01}}"#))
                    if case .text(let text)? = try await messages.next() { await log.add("too short", ServerTests.json(text)) }
                    try await outbound.write(.text(#"{"jsonrpc":"2.0","id":2,"method":"public/set_heartbeat","params":{"interval":0.3}}"#))
                    var ended = false
                    do {
                        // Bounded: the server closes after the first unanswered test_request.
                        for _ in 0..<50 {
                            guard case .text(let text)? = try await messages.next(), let value = ServerTests.json(text) else {
                                ended = true
                                break
                            }
                            if value["id"] == 2 { await log.add("set", value) }
                            if value["id"] == 3 { await log.add("test", value) }
                            if value["method"] == "heartbeat" {
                                await log.add("heartbeat", value)
                                // Answer the first test_request only.
                                if await counter.increment() == 1 {
                                    try await outbound.write(.text(#"{"jsonrpc":"2.0","id":3,"method":"public/test"}"#))
                                }
                            }
                        }
                    } catch {
                        // The server closing the socket may end the stream with an error: that is the closing we want.
                        ended = true
                    }
                    await log.add("closed", .bool(ended))
                }
            }
            let values = await log.values
            #expect(values["too short"]?["error"]?["code"] == -32_602)
            #expect(values["set"]?["result"] == "ok")
            #expect(values["heartbeat"] == APIConnection.testRequest)
            #expect(values["test"]?["result"]?["version"] != nil)
            #expect(await counter.value >= 2, "a second test_request follows an answered one")
            #expect(values["closed"] == true)

            // Over HTTP there is no connection to keep alive: WebSocket only, as on Deribit.
            try await TestClient.withClient(host: "127.0.0.1", port: served.port) { client in
                let response = try await client.get("/api/v2/public/set_heartbeat?interval=30")
                #expect(ServerTests.json(String(buffer: try #require(response.body)))?["error"]?["code"] == 10_030)
            }
        }
    }

    @Test("a secret being checked holds up no one: another client's ticker and requests go on; checks are bounded")
    func authenticationOffTheSequencer() async throws {
        let hold = SecretHold()
        var options = ServerOptions()
        options.concurrentSecretChecks = 1
        options.queuedSecretChecks = 0
        options.checkSecret = { store, clientID, secret in
            hold.enter()
            return store.authenticate(clientID: clientID, secret: secret)
        }
        try await ServerTests.withServer(options: options) { served in
            let log = ReplyLog()
            try await withLimit {
                try await withThrowingTaskGroup(of: Void.self) { clients in
                    // A: authenticates; its secret check is held open by the test.
                    clients.addTask {
                        try await WebSocketClient.connect(url: served.url, logger: Self.logger) { inbound, outbound, _ in
                            var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                            try await outbound.write(.text(#"{"jsonrpc":"2.0","id":1,"method":"public/auth","params":{"grant_type":"client_credentials","client_id":"\#(served.clientID)","client_secret":"\#(served.secret)"}}"#))
                            if case .text(let text)? = try await messages.next() {
                                await log.add("A auth", ServerTests.json(text))
                                await log.append(order: "A auth")
                            }
                            try await outbound.close(.normalClosure, reason: nil)
                        }
                    }
                    // B: waits until A's check is running, then subscribes and trades while it is held.
                    clients.addTask {
                        await hold.waitUntilEntered()
                        try await WebSocketClient.connect(url: served.url, logger: Self.logger) { inbound, outbound, _ in
                            var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                            try await outbound.write(.text(#"{"jsonrpc":"2.0","id":1,"method":"public/subscribe","params":{"channels":["ticker.\#(served.instrument).100ms"]}}"#))
                            var tickers = 0
                            for _ in 0..<100 where tickers < 2 {
                                guard case .text(let text)? = try await messages.next(), let value = ServerTests.json(text) else { break }
                                if value["method"] == "subscription" {
                                    tickers += 1
                                    await log.append(order: "B ticker")
                                }
                            }
                            try await outbound.write(.text(#"{"jsonrpc":"2.0","id":2,"method":"public/get_time"}"#))
                            for _ in 0..<100 {
                                guard case .text(let text)? = try await messages.next(), let value = ServerTests.json(text) else { break }
                                if value["id"] == 2 {
                                    await log.append(order: "B get_time")
                                    break
                                }
                            }
                            try await outbound.close(.normalClosure, reason: nil)
                        }
                        // C: with the one check slot busy and no queue, another login is refused at once.
                        try await TestClient.withClient(host: "127.0.0.1", port: served.port) { client in
                            let busy = try await client.post("/api/v2", body: ByteBuffer(string:
                                #"{"jsonrpc":"2.0","id":5,"method":"public/auth","params":{"grant_type":"client_credentials","client_id":"\#(served.clientID)","client_secret":"\#(served.secret)"}}"#))
                            await log.add("C auth", ServerTests.json(String(buffer: try #require(busy.body))))
                        }
                        hold.release()
                    }
                    try await clients.waitForAll()
                }
            }
            let order = await log.order
            #expect(order == ["B ticker", "B ticker", "B get_time", "A auth"], "\(order)")
            #expect(await log.values["A auth"]?["result"]?["token_type"] == "bearer")
            #expect(await log.values["C auth"]?["error"]?["code"] == 10_028)
        }
    }

    @Test("failed logins from one address use up its budget: then refused before any hashing, even with the right secret")
    func failureBudget() async throws {
        var options = ServerOptions()
        options.authenticationFailures = FailureBudget(capacity: 2, refillPerSecond: 0.0001)
        try await ServerTests.withServer(options: options) { served in
            try await TestClient.withClient(host: "127.0.0.1", port: served.port) { client in
                func auth(_ secret: String) async throws -> JSONValue? {
                    let response = try await client.get(
                        "/api/v2/public/auth?grant_type=client_credentials&client_id=\(served.clientID)&client_secret=\(secret)")
                    return ServerTests.json(String(buffer: try #require(response.body)))
                }
                let first = try await auth("wrong")
                let second = try await auth("wrong")
                let right = try await auth(served.secret)
                #expect(first?["error"]?["code"] == 13_009)
                #expect(second?["error"]?["code"] == 13_009)
                #expect(right?["error"]?["code"] == 10_028, "refused before hashing, though the secret is right")
            }
        }
    }

    @Test("accounts added while serving can log in and trade within a poll; revoked ones are cut off, connection and all")
    func accountsWhileServing() async throws {
        var options = ServerOptions()
        options.credentialsPath = "set by withServer"
        options.credentialPollInterval = .milliseconds(50)
        try await ServerTests.withServer(options: options) { served in
            let path = CredentialFile.path(forJournal: served.journalPath)
            var random = SystemRandomNumberGenerator()
            // What `pooldesk accounts add` does on a served session: a pending request, under the file's lock.
            let bob = try CredentialFile.withLock(path: path) {
                var store = try CredentialFile.load(path: path)
                let issued = try store.requestAccount(name: "bob", role: .trader, funding: 20_000, using: &random)
                try CredentialFile.save(store, path: path)
                return issued
            }
            let opened = try await poll { (try? CredentialFile.load(path: path))?.credentials.contains { $0.clientID == bob.clientID } == true }
            #expect(opened, "the server opens a pending account within a poll")
            let store = try CredentialFile.load(path: path)
            #expect(store.pendingAccounts.isEmpty)
            let account = try #require(store.credentials.first { $0.clientID == bob.clientID }?.account)
            #expect(await served.sequencer.engine.accounts[account.index].name == "bob")

            let log = ReplyLog()
            try await withLimit {
                try await WebSocketClient.connect(url: served.url, logger: Self.logger) { inbound, outbound, _ in
                    var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                    func response(_ id: Int) async throws -> JSONValue? {
                        for _ in 0..<100 {
                            guard case .text(let text)? = try await messages.next() else { return nil }
                            if let value = ServerTests.json(text), value["id"] == .number(Double(id)) { return value }
                        }
                        return nil
                    }
                    try await outbound.write(.text(#"{"jsonrpc":"2.0","id":1,"method":"public/auth","params":{"grant_type":"client_credentials","client_id":"\#(bob.clientID)","client_secret":"\#(bob.secret)"}}"#))
                    await log.add("auth", try await response(1))
                    try await outbound.write(.text(#"{"jsonrpc":"2.0","id":2,"method":"private/buy","params":{"instrument_name":"\#(served.instrument)","amount":"0.1","type":"market"}}"#))
                    await log.add("buy", try await response(2))
                    try await outbound.write(.text(#"{"jsonrpc":"2.0","id":3,"method":"public/subscribe","params":{"channels":["pool.state"]}}"#))
                    await log.add("subscribe", try await response(3))
                    // Revoked while connected: the server closes this connection.
                    try CredentialFile.withLock(path: path) {
                        var store = try CredentialFile.load(path: path)
                        _ = store.revoke(name: "bob")
                        try CredentialFile.save(store, path: path)
                    }
                    var ended = false
                    do {
                        for _ in 0..<1_000 where !ended { ended = try await messages.next() == nil }
                    } catch {
                        ended = true
                    }
                    await log.add("closed", .bool(ended))
                }
            }
            let values = await log.values
            #expect(values["auth"]?["result"]?["token_type"] == "bearer", "\(values["auth"]?.text ?? "nil")")
            #expect(values["buy"]?["result"]?["order"]?["order_state"] == "filled", "\(values["buy"]?.text ?? "nil")")
            #expect(values["closed"] == true)
            #expect(await served.sequencer.engine.positions(of: account).count == 1)
            // And a new login with the revoked secret fails.
            try await TestClient.withClient(host: "127.0.0.1", port: served.port) { client in
                let response = try await client.post("/api/v2", body: ByteBuffer(string:
                    #"{"jsonrpc":"2.0","id":8,"method":"public/auth","params":{"grant_type":"client_credentials","client_id":"\#(bob.clientID)","client_secret":"\#(bob.secret)"}}"#))
                #expect(ServerTests.json(String(buffer: try #require(response.body)))?["error"]?["code"] == 13_009)
            }
        } afterShutdown: { journalPath in
            // alice's and bob's accounts and bob's trade, all journaled.
            let summary = try JournalVerifier.verify(path: journalPath)
            #expect(summary.commands == 3)
        }
    }
}

// MARK: - Helpers

/// Fails instead of hanging: runs `body`, or throws after `seconds` (a safety limit, not an assertion on time).
/// Unstructured on purpose: a body stuck in a call that ignores cancellation is left behind, not waited for.
@discardableResult
func withLimit<T: Sendable>(seconds: Double = 60, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let once = ResumeOnce(continuation)
        let work = Task {
            do { once.resume(.success(try await body())) } catch { once.resume(.failure(error)) }
        }
        Task {
            try? await Task.sleep(for: .seconds(seconds))
            work.cancel()
            once.resume(.failure(TimeLimitExceeded()))
        }
    }
}

/// A continuation resumed by whichever result comes first.
final class ResumeOnce<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T, any Error>?>

    init(_ continuation: CheckedContinuation<T, any Error>) {
        self.continuation = Mutex(continuation)
    }

    func resume(_ result: Result<T, any Error>) {
        continuation.withLock { $0.take() }?.resume(with: result)
    }
}

struct TimeLimitExceeded: Error {}

/// Whether `condition` holds within a bounded number of 50 ms looks.
func poll(_ condition: @Sendable () async throws -> Bool) async throws -> Bool {
    for _ in 0..<400 {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return false
}

/// Counts, across a handler's awaits.
actor Counter {
    private(set) var value = 0
    func increment() -> Int {
        value += 1
        return value
    }
}

extension ReplyLog {
    /// Events in the order they happened.
    var order: [String] { (values["order"].flatMap { value -> [String]? in
        guard case .array(let items) = value else { return nil }
        return items.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }) ?? [] }

    func append(order event: String) {
        var items: [JSONValue] = []
        if case .array(let existing)? = values["order"] { items = existing }
        items.append(.string(event))
        add("order", .array(items))
    }
}

/// Holds a secret check open (on its Dispatch thread) until the test releases it, and tells when one has started.
final class SecretHold: Sendable {
    private let entered = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)

    /// Called by the check: signals it started, then waits for the release (at most 60 s, a safety limit).
    func enter() {
        entered.signal()
        _ = released.wait(timeout: .now() + 60)
    }

    func waitUntilEntered() async {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                _ = self.entered.wait(timeout: .now() + 60)
                continuation.resume()
            }
        }
    }

    func release() {
        released.signal()
    }
}

struct SocketFailure: Error {}

/// A plain TCP connection to the server, for what no well-behaved client does.
final class RawSocket: Sendable {
    let descriptor: Int32

    init(port: Int) throws {
        #if canImport(Glibc)
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard descriptor >= 0, connected == 0 else { throw SocketFailure() }
        // A safety limit on each read, so a server that never closes fails the test instead of hanging it.
        var limit = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }

    /// `waitForClose` on a Dispatch thread (it blocks in `recv`).
    func closedByServer() async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.waitForClose()) }
        }
    }

    /// Everything received until the server closed the connection, or nil if it did not within the safety limit.
    func readUntilClosed() async -> [UInt8]? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var received: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4_096)
                for _ in 0..<1_000 {
                    let count = buffer.withUnsafeMutableBytes { recv(self.descriptor, $0.baseAddress, $0.count, 0) }
                    if count > 0 {
                        received += buffer.prefix(count)
                        continue
                    }
                    continuation.resume(returning: count == 0 || errno == ECONNRESET ? received : nil)
                    return
                }
                continuation.resume(returning: nil)
            }
        }
    }

    /// Reads until the server closes the connection (true), or the safety limit passes (false).
    func waitForClose() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        for _ in 0..<1_000 {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
        }
        return false
    }
}

/// A self-signed P-256 certificate for `localhost` and its key, as PEM files in a temporary directory.
struct SelfSignedIdentity {
    let directory: String
    let certificatePEM: String
    var certificatePath: String { directory + "/cert.pem" }
    var keyPath: String { directory + "/key.pem" }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pooldesk-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName("localhost") }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3_600), notValidAfter: now.addingTimeInterval(86_400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                SubjectAlternativeNames([.dnsName("localhost")])
            },
            issuerPrivateKey: .init(key))
        certificatePEM = try certificate.serializeAsPEM().pemString
        try certificatePEM.write(toFile: directory + "/cert.pem", atomically: true, encoding: .utf8)
        try key.pemRepresentation.write(toFile: directory + "/key.pem", atomically: true, encoding: .utf8)
    }
}
