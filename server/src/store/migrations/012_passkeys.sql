-- Clinicians' passkeys (WebAuthn credentials): the public key and signature counter per credential.
create table passkeys (
  id text primary key,
  account_id uuid not null references accounts(id) on delete cascade,
  public_key text not null,
  counter bigint not null default 0,
  transports text not null default '[]',
  name text not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz
);
create index passkeys_account on passkeys (account_id);

-- A WebAuthn challenge, kept until it is answered once (any instance may receive the answer).
create table webauthn_challenges (
  id uuid primary key,
  challenge text not null,
  account_id uuid references accounts(id) on delete cascade,
  purpose text not null check (purpose in ('register', 'login')),
  expires_at timestamptz not null,
  used_at timestamptz
);
