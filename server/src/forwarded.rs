//! The client's address behind a reverse proxy. Behind nginx every connection comes from the
//! proxy, so without this every login failure would count against one address (throttling
//! everyone's logins together) and the audit trail would record the proxy for every person.
//!
//! Only the proxies named in `UPSTREAM_TRUSTED_PROXIES` are believed: `X-Forwarded-For` is
//! whatever the sender wrote, so from anyone else it is ignored. From a trusted proxy the
//! header is read from its right end (the address the proxy itself saw) leftwards, past any
//! other trusted proxy, to the first address no trusted proxy vouches for.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// How many hops of `X-Forwarded-For` are looked at: a chain of proxies is short, and a
/// header of thousands of entries must not cost thousands of parses.
const MAX_HOPS: usize = 16;

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Arc<Vec<IpAddr>>);

/// The client behind `peer`, given the `X-Forwarded-For` it sent.
pub fn client_ip(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut client = peer;
    for hop in header.rsplit(',').take(MAX_HOPS) {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else {
            // Something no proxy of ours wrote: believe nothing further left.
            return client;
        };
        client = ip;
        if !trusted.contains(&ip) {
            return ip;
        }
    }
    client
}

/// Middleware: replaces the connection's address with the client's when the connection comes
/// from a trusted proxy, so everything that asks for the client's address gets the client.
pub async fn real_client(
    State(trusted): State<TrustedProxies>,
    mut req: Request,
    next: Next,
) -> Response {
    if !trusted.0.is_empty() {
        if let Some(ConnectInfo(peer)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied()
        {
            let header = req
                .headers()
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
                .join(",");
            let header = (!header.is_empty()).then_some(header.as_str());
            let client = client_ip(peer.ip(), header, &trusted.0);
            req.extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(client, peer.port())));
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("an address")
    }

    #[test]
    fn a_header_from_an_untrusted_peer_is_ignored() {
        let trusted = [ip("10.0.0.2")];
        assert_eq!(
            client_ip(ip("198.51.100.9"), Some("203.0.113.7"), &trusted),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_client_is_the_address_it_saw() {
        let trusted = [ip("10.0.0.2")];
        // A client that wrote its own header first: only the proxy's last entry counts.
        assert_eq!(
            client_ip(ip("10.0.0.2"), Some("1.2.3.4, 203.0.113.7"), &trusted),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn a_chain_of_trusted_proxies_is_walked_past() {
        let trusted = [ip("10.0.0.2"), ip("10.0.0.3")];
        assert_eq!(
            client_ip(ip("10.0.0.2"), Some("203.0.113.7, 10.0.0.3"), &trusted),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn garbage_or_a_missing_header_leaves_the_last_believed_address() {
        let trusted = [ip("10.0.0.2")];
        assert_eq!(
            client_ip(ip("10.0.0.2"), Some("not an address"), &trusted),
            ip("10.0.0.2")
        );
        assert_eq!(client_ip(ip("10.0.0.2"), None, &trusted), ip("10.0.0.2"));
        let long = vec!["10.0.0.2"; 10_000].join(",");
        assert_eq!(
            client_ip(ip("10.0.0.2"), Some(&long), &trusted),
            ip("10.0.0.2")
        );
    }
}
