import PoolDeskAPI
import PoolEngine
import Synchronization

/// The texts of one publication's public-channel notifications (`ticker.…`, `book.…`, `pool.state`…), computed by
/// the first connection that needs one and reused by every other: a public channel's notification depends only on
/// the publication, so a thousand subscribers to one ticker cost one ticker, not a thousand. Private channels
/// (`user.…`) depend on the connection's account and are never shared.
public final class SharedNotifications: Sendable {
    private let texts = Mutex<[SubscriptionChannel: String?]>([:])

    public init() {}

    /// The text for `channel`, made by `make` the first time it is asked for (nil: nothing to send on it).
    /// Connections asking for the same channel meanwhile wait for the first one rather than repeat its work.
    public func text(for channel: SubscriptionChannel, _ make: () -> String?) -> String? {
        texts.withLock { texts in
            if let known = texts[channel] { return known }
            let made = make()
            texts[channel] = .some(made)
            return made
        }
    }
}

extension PoolServer {
    /// The notification texts to send `connection` after `publication`, in channel-name order.
    static func notificationTexts(_ connection: APIConnection, _ publication: Publication) -> [String] {
        // Between clock steps (a commands-only group) only event-driven channels speak; tickers keep their pace.
        connection.subscriptions.sorted { $0.name < $1.name }.filter { publication.isTick || $0.isEventDriven }.compactMap { channel in
            func render(account: AccountID?) -> String? {
                // The replica's data is encoded only for its channel, once per publication (the text is shared).
                channel.notification(events: publication.events, engine: publication.engine, account: account,
                                     replica: channel == .replica ? publication.replica : nil)
                    .map { channel.message(data: $0).text }
            }
            if channel.isPrivate { return render(account: connection.grant?.account) }
            return publication.shared.text(for: channel) { render(account: nil) }
        }
    }
}
