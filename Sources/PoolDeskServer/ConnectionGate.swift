import Foundation
import HummingbirdCore
import Logging
import NIOCore
import PoolDeskAPI
import Synchronization

/// Counts open connections against the server's cap and the per-address cap (not applied to loopback clients). A
/// connection past either is refused (HTTP 503 with a JSON-RPC error body, then closed) and counted in
/// ``refusedConnections``.
public final class ConnectionGate: Sendable {
    struct State {
        var open = 0
        var perAddress: [String: Int] = [:]
        var refused = 0
    }

    /// Why a connection was refused, as the JSON-RPC error its 503 carries.
    enum Admission {
        case admitted
        case refused(APIError, count: Int)
    }

    private let state = Mutex(State())
    /// Open connections allowed at most.
    public let maximum: Int
    /// Open connections from one IP address allowed at most.
    public let maximumPerAddress: Int

    public init(maximum: Int, maximumPerAddress: Int) {
        self.maximum = maximum
        self.maximumPerAddress = maximumPerAddress
    }

    /// Connections admitted and not yet closed.
    public var openConnections: Int { state.withLock { $0.open } }
    /// Connections refused since the server started.
    public var refusedConnections: Int { state.withLock { $0.refused } }

    /// Takes a slot for a connection from `address`, or refuses it. An admitted connection must be released once.
    func admit(_ address: String) -> Admission {
        state.withLock { state in
            let fromAddress = state.perAddress[address, default: 0]
            let error: APIError
            if state.open >= maximum {
                error = Self.refusal("the server has \(maximum) connections open, its limit", limit: maximum)
            } else if fromAddress >= maximumPerAddress && !Self.isLoopback(address) {
                error = Self.refusal("\(address) has \(maximumPerAddress) connections open, the limit per address", limit: maximumPerAddress)
            } else {
                state.open += 1
                state.perAddress[address] = fromAddress + 1
                return .admitted
            }
            state.refused += 1
            return .refused(error, count: state.refused)
        }
    }

    /// Gives back the slot of a connection from `address`.
    func release(_ address: String) {
        state.withLock { state in
            state.open -= 1
            let left = state.perAddress[address, default: 1] - 1
            state.perAddress[address] = left > 0 ? left : nil
        }
    }

    /// Loopback clients are the operator's own (benchmarks, local tools open hundreds of connections): the
    /// per-address cap does not apply to them; the server's cap does.
    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }

    /// Deribit's 10066 `too_many_concurrent_requests`, naming the limit that was hit.
    static func refusal(_ reason: String, limit: Int) -> APIError {
        APIError(10_066, "too_many_concurrent_requests", data: ["reason": .string(reason), "limit": .number(Double(limit))])
    }
}

/// Wraps the HTTP/WebSocket child channel: admits the connection through the ``ConnectionGate`` (or answers it 503
/// and closes it), and closes connections that go idle or never finish their first request. Inside TLS, so the
/// refusal is encrypted and the timers see the application's bytes, not the handshake's.
struct GuardedChannel<Base: ServerChildChannel>: ServerChildChannel {
    enum Value: ServerChildChannelValue {
        case admitted(Base.Value)
        case refused(any Channel)

        var channel: any Channel {
            switch self {
            case .admitted(let value): value.channel
            case .refused(let channel): channel
            }
        }
    }

    let base: Base
    let gate: ConnectionGate
    let idleTimeout: TimeAmount
    let firstRequestTimeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        let admission = gate.admit(address)
        let timeouts = channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(
                ConnectionTimeoutHandler(idleTimeout: idleTimeout, firstRequestTimeout: firstRequestTimeout))
        }
        switch admission {
        case .admitted:
            let gate = self.gate
            channel.closeFuture.whenComplete { _ in gate.release(address) }
            return timeouts.flatMap { base.setup(channel: channel, logger: logger) }.map { Value.admitted($0) }
        case .refused(let error, let count):
            // One line per refusal would let a flood fill the log: the first, then every 1000th.
            if count == 1 || count % 1_000 == 0 {
                var reason = error.message
                if case .string(let text)? = error.data?["reason"] { reason = text }
                logger.warning("refused connection \(count) from \(address): \(reason)")
            }
            let body = JSONRPCDecoder.response(id: .null, .failure(error)).text
            return timeouts.flatMapThrowing {
                try channel.pipeline.syncOperations.addHandler(RefusalHandler(body: body))
                return Value.refused(channel)
            }
        }
    }

    func handle(value: Value, logger: Logger) async {
        switch value {
        case .admitted(let inner): await base.handle(value: inner, logger: logger)
        case .refused(let channel): try? await channel.closeFuture.get()
        }
    }
}

/// Closes a connection from which nothing has arrived for `idleTimeout`, or that has not been answered anything
/// (its first request not complete) within `firstRequestTimeout`. Runs on the channel's event loop.
final class ConnectionTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    private let idleTimeout: TimeAmount
    private let firstRequestTimeout: TimeAmount
    private var opened = NIODeadline.now()
    private var lastRead = NIODeadline.now()
    private var answered = false
    private var check: RepeatedTask?

    init(idleTimeout: TimeAmount, firstRequestTimeout: TimeAmount) {
        self.idleTimeout = idleTimeout
        self.firstRequestTimeout = firstRequestTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        opened = .now()
        lastRead = opened
        if context.channel.isActive { startChecking(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        startChecking(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopChecking()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopChecking()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastRead = .now()
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        answered = true
        context.write(data, promise: promise)
    }

    private func startChecking(_ context: ChannelHandlerContext) {
        guard check == nil else { return }
        // A quarter of the shorter limit: a connection is closed at most 25% past its limit.
        let period = TimeAmount.nanoseconds(max(min(idleTimeout.nanoseconds, firstRequestTimeout.nanoseconds) / 4, 1_000_000))
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        check = context.eventLoop.scheduleRepeatedTask(initialDelay: period, delay: period) { _ in
            let (handler, context) = bound.value
            handler.inspect(context)
        }
    }

    private func stopChecking() {
        check?.cancel()
        check = nil
    }

    private func inspect(_ context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        if now - lastRead >= idleTimeout || (!answered && now - opened >= firstRequestTimeout) {
            stopChecking()
            context.close(promise: nil)
        }
    }
}

/// Answers a refused connection's first request with HTTP 503 and a JSON-RPC error body, then closes it. Whatever
/// the client sent is read and dropped: nothing reaches the HTTP or WebSocket code.
final class RefusalHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let body: String
    private var answered = false

    init(body: String) {
        self.body = body
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        answered = true
        let head = "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: \(body.utf8.count)\r\n"
            + "retry-after: 1\r\nconnection: close\r\n\r\n"
        var buffer = context.channel.allocator.buffer(capacity: head.utf8.count + body.utf8.count)
        buffer.writeString(head)
        buffer.writeString(body)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
            bound.value.close(promise: nil)
        }
    }
}
