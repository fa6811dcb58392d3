-- An organization's administrators manage its accounts (the first one is made with `npm run admin`).
alter table accounts add column admin boolean not null default false;
