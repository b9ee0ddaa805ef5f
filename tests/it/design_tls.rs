//! `msaforge design` over TLS to an on-premises endpoint with a private CA: a real TLS server on
//! loopback (the scripted server behind native-tls) with a CA and a server certificate made here
//! with OpenSSL. Without the CA the run fails with a TLS error naming `--ca-cert`; the CA works as
//! a flag, from `MSAFORGE_LLM_CA_CERT`, from `msaforge.toml`, and through the system store
//! (OpenSSL's `SSL_CERT_FILE`).

use std::sync::Arc;

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::x509::extension::{
    BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
};
use openssl::x509::{X509, X509NameBuilder};

use crate::binary::Msaforge;
use crate::design::{BRIEF, Run, passing_spec};
use crate::scripted::{Reply, Server};

fn key() -> PKey<Private> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("curve");
    PKey::from_ec_key(EcKey::generate(&group).expect("key")).expect("pkey")
}

/// A certificate for `cn`, signed by `issuer` (self-signed when `None`).
fn certificate(cn: &str, key: &PKey<Private>, issuer: Option<(&X509, &PKey<Private>)>) -> X509 {
    let mut name = X509NameBuilder::new().expect("name");
    name.append_entry_by_text("CN", cn).expect("cn");
    let name = name.build();
    let mut b = X509::builder().expect("builder");
    b.set_version(2).expect("v3");
    let mut serial = BigNum::new().expect("bn");
    serial.rand(64, MsbOption::MAYBE_ZERO, false).expect("rand");
    b.set_serial_number(&serial.to_asn1_integer().expect("serial"))
        .expect("serial");
    b.set_subject_name(&name).expect("subject");
    b.set_issuer_name(issuer.map_or(&name, |(ca, _)| ca.subject_name()))
        .expect("issuer");
    b.set_pubkey(key).expect("pubkey");
    b.set_not_before(&Asn1Time::days_from_now(0).expect("now"))
        .expect("nb");
    b.set_not_after(&Asn1Time::days_from_now(2).expect("later"))
        .expect("na");
    if issuer.is_none() {
        b.append_extension(BasicConstraints::new().critical().ca().build().expect("bc"))
            .expect("bc");
        b.append_extension(
            KeyUsage::new()
                .critical()
                .key_cert_sign()
                .crl_sign()
                .build()
                .expect("ku"),
        )
        .expect("ku");
    } else {
        let san = SubjectAlternativeName::new()
            .dns("localhost")
            .ip("127.0.0.1")
            .build(&b.x509v3_context(issuer.map(|(ca, _)| ca.as_ref()), None))
            .expect("san");
        b.append_extension(san).expect("san");
        b.append_extension(ExtendedKeyUsage::new().server_auth().build().expect("eku"))
            .expect("eku");
    }
    let signer = issuer.map_or(key, |(_, k)| k);
    b.sign(signer, MessageDigest::sha256()).expect("sign");
    b.build()
}

/// A TLS server answering `script`, and the PEM of the CA that signed its certificate.
fn tls_server(script: Vec<Reply>) -> (Server, Vec<u8>) {
    let ca_key = key();
    let ca = certificate("msaforge test CA", &ca_key, None);
    let leaf_key = key();
    let leaf = certificate("localhost", &leaf_key, Some((&ca, &ca_key)));
    let identity = native_tls::Identity::from_pkcs8(
        &leaf.to_pem().expect("pem"),
        &leaf_key.private_key_to_pem_pkcs8().expect("pkcs8"),
    )
    .expect("identity");
    let acceptor = Arc::new(native_tls::TlsAcceptor::new(identity).expect("acceptor"));
    let server = Server::start_with(
        script,
        "https",
        Arc::new(move |tcp| {
            acceptor
                .accept(tcp)
                .ok()
                .map(|tls| Box::new(tls) as Box<dyn crate::scripted::Conn>)
        }),
    );
    (server, ca.to_pem().expect("ca pem"))
}

fn design_over_tls(
    url: &str,
    extra: &[&str],
    env: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).expect("file");
    }
    let mut args = vec![
        "design",
        "-",
        "-o",
        "spec.yaml",
        "--provider",
        "vllm",
        "--base-url",
        url,
        "--model",
        "m",
        "--report",
        "report.json",
    ];
    args.extend_from_slice(extra);
    let out = Msaforge::new()
        .args(args)
        .envs(env)
        .current_dir(dir.path())
        .stdin(BRIEF)
        .run();
    Run { dir, out }
}

#[test]
fn a_private_ca_is_trusted_only_when_given() {
    let script = vec![Reply::Chat(passing_spec().to_string()); 5];
    let (server, ca) = tls_server(script);
    let url = server.url.clone();
    let ca_file: &[(&str, &[u8])] = &[("ca.pem", &ca)];

    let run = design_over_tls(&url, &[], &[], &[]);
    run.code(msaforge::exit::LLM_FAILED);
    assert_eq!(run.report()["error"]["code"], "msaforge::llm::tls");
    run.says(&["TLS connection to", "--ca-cert"]);
    assert!(server.requests().is_empty());

    let flag = design_over_tls(&url, &["--ca-cert", "ca.pem"], &[], ca_file);
    flag.code(0);
    let env = design_over_tls(&url, &[], &[("MSAFORGE_LLM_CA_CERT", "ca.pem")], ca_file);
    env.code(0);
    let toml: &[(&str, &[u8])] = &[
        ("ca.pem", &ca),
        ("msaforge.toml", b"[llm]\nca_cert = \"ca.pem\"\n"),
    ];
    design_over_tls(&url, &[], &[], toml).code(0);
    // The system store: OpenSSL reads SSL_CERT_FILE.
    design_over_tls(&url, &[], &[("SSL_CERT_FILE", "ca.pem")], ca_file).code(0);
    assert_eq!(server.requests().len(), 4);
    assert!(flag.read("spec.yaml").contains("name: placement"));

    let bad: &[(&str, &[u8])] = &[("ca.pem", b"not a certificate\n")];
    let run = design_over_tls(&url, &["--ca-cert", "ca.pem"], &[], bad);
    run.code(msaforge::exit::USAGE);
    run.says(&["cannot use the CA bundle ca.pem"]);
}
