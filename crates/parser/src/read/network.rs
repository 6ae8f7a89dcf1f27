//! Network sources: protocol, hosts, credentials, and the less common children.

use diskxml_model::{Auth, Host, Identity, NetworkExtras, NetworkSource, Port, Protocol, Secret, Text, Transport};
use diskxml_schema::{self as shape, ChildKind, Part, decimal};
use roxmltree::Node;

use super::{Reader, element_name, is_blank, is_layout, is_named, is_noise, text_of};
use crate::{Error, ErrorKind};

impl<'i> Reader<'_, 'i> {
    pub(crate) fn network_source(&self, node: Node<'_, 'i>) -> Result<NetworkSource, Error> {
        let mut attrs = self.attrs(node)?;
        let protocol = self.required(&mut attrs, node, &shape::NETWORK_SOURCE, "protocol")?;
        let protocol =
            Protocol::parse(protocol.value()).map_err(|e| self.model_err(protocol.range_value().start, e))?;
        let mut source = NetworkSource::new(protocol, None);
        self.fill(&shape::NETWORK_SOURCE, &mut source, &mut attrs)?;
        self.rest(attrs, &mut source.unknown)?;
        // Sized once: an rbd source's monitors take one allocation, a single host none.
        source.reserve_hosts(node.children().filter(|c| is_named(*c, shape::HOST.element)).count());
        for child in node.children() {
            if !child.is_element() {
                self.keep(child, &mut source.unknown)?;
                continue;
            }
            if !self.network_child(child, &mut source)? {
                self.check_element_name(child)?;
                self.keep(child, &mut source.unknown)?;
            }
        }
        if source.extras.as_ref().is_some_and(|x| x.is_empty()) {
            source.extras = None;
        }
        Ok(source)
    }

    /// Reads a known child of a network `<source>`, as its table names it; `false` when it is
    /// not one (or a second auth or encryption), to be kept.
    fn network_child(&self, child: Node<'_, 'i>, source: &mut NetworkSource) -> Result<bool, Error> {
        let plain = child.is_element() && child.tag_name().namespace().is_none();
        let Some(known) = plain.then(|| shape::NETWORK_SOURCE.child(element_name(child))).flatten() else {
            return Ok(false);
        };
        match known.kind {
            ChildKind::Part(Part::Host) => {
                let host = self.host(child)?;
                source.push_host(host).map_err(|e| self.model_err(child.range().start, e))?;
            }
            ChildKind::Part(Part::Auth) if source.auth.is_none() => source.auth = Some(Box::new(self.auth(child)?)),
            ChildKind::Part(Part::Encryption) if source.encryption.is_none() => {
                source.encryption = Some(Box::new(self.encryption(child)?));
            }
            ChildKind::Part(Part::Extra(_) | Part::Identity | Part::Cookies | Part::Initiator) => {
                return self.network_extra(child, source.extras.get_or_insert_with(Box::default));
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn host(&self, node: Node<'_, 'i>) -> Result<Host, Error> {
        let mut attrs = self.attrs(node)?;
        let [name, port, transport, socket] = ["name", "port", "transport", "socket"].map(|n| attrs.take(n));
        debug_assert!(shape::HOST.names().eq(["name", "port", "transport", "socket"]));
        let unexpected = |a: &roxmltree::Attribute<'_, '_>, found: String| {
            self.err(a.range().start, ErrorKind::UnexpectedContent { element: shape::HOST.element, found })
        };
        let missing = |attribute| {
            self.err(node.range().start, ErrorKind::MissingAttribute { element: shape::HOST.element, attribute })
        };
        let mut host = if transport.as_ref().is_some_and(|t| t.value() == "unix") {
            if let Some(extra) = name.as_ref().or(port.as_ref()) {
                return Err(unexpected(extra, format!("attribute '{}' with transport='unix'", extra.name())));
            }
            let socket = socket.ok_or_else(|| missing("socket"))?;
            Host::unix(socket.value()).map_err(|e| self.model_err(socket.range_value().start, e))?
        } else {
            if let Some(socket) = socket {
                return Err(unexpected(&socket, "attribute 'socket' without transport='unix'".to_owned()));
            }
            let name = name.ok_or_else(|| missing("name"))?;
            let port = port
                .map(|p| {
                    let n = decimal(p.value()).map_err(|e| self.set_err(&p, shape::HOST.element, "port", e))?;
                    Port::new("source.host.port", n).map_err(|e| self.model_err(p.range_value().start, e))
                })
                .transpose()?;
            let transport = transport
                .map(|t| Transport::parse(t.value()).map_err(|e| self.model_err(t.range_value().start, e)))
                .transpose()?;
            Host::new(name.value(), port, transport).map_err(|e| self.model_err(name.range_value().start, e))?
        };
        self.rest(attrs, &mut host.unknown)?;
        self.leaf_children(node, &mut host.unknown)?;
        Ok(host)
    }

    pub(crate) fn auth(&self, node: Node<'_, 'i>) -> Result<Auth, Error> {
        let mut attrs = self.attrs(node)?;
        let username = self.required(&mut attrs, node, &shape::AUTH, "username")?;
        let mut auth =
            Auth::new(username.value(), None).map_err(|e| self.model_err(username.range_value().start, e))?;
        self.rest(attrs, &mut auth.unknown)?;
        for child in node.children() {
            if is_named(child, shape::AUTH_SECRET.element) && auth.secret.is_none() {
                let secret = Secret { secret_type: None, uuid: None, usage: None, unknown: Default::default() };
                auth.secret = Some(self.plain(child, &shape::AUTH_SECRET, secret, |s| &mut s.unknown)?);
            } else {
                self.check_element_name(child)?;
                self.keep(child, &mut auth.unknown)?;
            }
        }
        Ok(auth)
    }

    /// Reads `child` of a network `<source>` into `extras` when it is one of the known
    /// children in its plain form, not read yet; `false` (keep it as unknown) otherwise.
    fn network_extra(&self, child: Node<'_, '_>, extras: &mut NetworkExtras) -> Result<bool, Error> {
        if child.tag_name().namespace().is_some() {
            return Ok(false);
        }
        let name = child.tag_name().name();
        if let Some(shape) = shape::NETWORK_EXTRAS.iter().find(|s| s.element == name) {
            // The plain form only: its one attribute, set, and nothing else; not read yet.
            let unread = shape.attrs.iter().all(|a| (a.get)(extras).is_none());
            let plain = shape.attrs.iter().all(|a| child.has_attribute(a.name))
                && only(child, &shape.names().collect::<Vec<_>>());
            if !unread || !plain {
                return Ok(false);
            }
            let mut attrs = self.attrs(child)?;
            self.fill(shape, extras, &mut attrs)?;
            return Ok(true);
        }
        match name {
            n if n == shape::IDENTITY.element
                && extras.identity.is_none()
                && only(child, &shape::IDENTITY.names().collect::<Vec<_>>()) =>
            {
                let mut attrs = self.attrs(child)?;
                extras.identity = Some(self.filled::<Identity>(&shape::IDENTITY, &mut attrs)?);
            }
            n if n == shape::COOKIES.element && extras.cookies.is_empty() => return self.cookies(child, extras),
            n if n == shape::INITIATOR.element && extras.initiator_iqn.is_none() => {
                return self.initiator(child, extras);
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// `<cookies>` of plain `<cookie name=...>value</cookie>` elements.
    fn cookies(&self, node: Node<'_, '_>, extras: &mut NetworkExtras) -> Result<bool, Error> {
        let plain_cookie = |c: Node<'_, '_>| {
            is_named(c, shape::COOKIE)
                && c.attributes().all(|a| a.name() == "name" && a.namespace().is_none())
                && c.has_attribute("name")
                && c.children().all(|t| t.is_text() || is_noise(t))
        };
        let items: Vec<Node<'_, '_>> = node.children().filter(Node::is_element).collect();
        if items.is_empty()
            || !blank_texts(node)
            || node.attributes().next().is_some()
            || !items.iter().all(|c| plain_cookie(*c))
        {
            return Ok(false);
        }
        for cookie in items {
            let name = cookie.attribute_node("name").expect("checked by plain_cookie");
            let value =
                Text::new("source.cookie", text_of(cookie)).map_err(|e| self.model_err(cookie.range().start, e))?;
            extras.cookies.push((self.text(&name, "source.cookie.name")?, value));
        }
        Ok(true)
    }

    /// `<initiator><iqn name=.../></initiator>` in its plain form.
    fn initiator(&self, node: Node<'_, '_>, extras: &mut NetworkExtras) -> Result<bool, Error> {
        let items: Vec<Node<'_, '_>> = node.children().filter(Node::is_element).collect();
        let [iqn] = items.as_slice() else { return Ok(false) };
        let plain = node.attributes().next().is_none()
            && is_named(*iqn, shape::INITIATOR_IQN)
            && only(*iqn, &["name"])
            && iqn.has_attribute("name");
        if !plain || !blank_texts(node) {
            return Ok(false);
        }
        extras.initiator_iqn = iqn.attribute_node("name").map(|a| self.text(&a, "source.initiator.iqn")).transpose()?;
        Ok(true)
    }
}

/// Whether `node` has no attributes but those in `allowed` and no content but blanks.
fn only(node: Node<'_, '_>, allowed: &[&str]) -> bool {
    node.attributes().all(|a| a.namespace().is_none() && allowed.contains(&a.name()))
        && node.children().all(|c| is_noise(c) || is_blank(c))
}

/// Whether every text child of `node` is XML whitespace.
fn blank_texts(node: Node<'_, '_>) -> bool {
    node.children().filter(|c| c.is_text()).all(|c| c.text().is_some_and(is_layout))
}
