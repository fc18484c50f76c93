/**
 * Raw whois answers as tailscaled 1.86 writes them (`apitype.WhoIsResponse`, tab-indented,
 * reference/tsidp.md §8.2), with the fields meshid ignores left in (Hostinfo, KeyExpiry,
 * Endpoints, ...) so the parser is seen to ignore them. Each fixture is the text and the tailnet
 * address it answers for. Test data only: every id, key and address is made up.
 */

export interface WhoisFixture {
  /** The node's tailnet IPv4 address, which the stand-in answers this whois for. */
  ip: string;
  json: string;
}

/** A person's device: alice@example.com (real mail domain) on her laptop. Node.ID is 2^53 + 1, which a JavaScript number cannot hold; the CapMap carries tsidp rules (one with a numeric extra claim). */
export const ALICE_LAPTOP: WhoisFixture = {
  ip: '100.101.102.103',
  json: `{
	"Node": {
		"ID": 9007199254740993,
		"StableID": "nAbCdEf1CNTRL",
		"Name": "alice-laptop.tail1234.ts.net.",
		"User": 7743467757367193,
		"Key": "nodekey:5f1c0e3a9b7d24688e0f4a1c2b3d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d",
		"KeyExpiry": "2027-05-21T09:12:44Z",
		"Machine": "mkey:5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e",
		"DiscoKey": "discokey:d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1",
		"Addresses": [
			"100.101.102.103/32",
			"fd7a:115c:a1e0::1234:5678/128"
		],
		"AllowedIPs": [
			"100.101.102.103/32",
			"fd7a:115c:a1e0::1234:5678/128"
		],
		"Endpoints": [
			"203.0.113.5:41641",
			"[2001:db8::5]:41641"
		],
		"HomeDERP": 1,
		"Hostinfo": {
			"IPNVersion": "1.86.5-t1a2b3c4d-g5e6f7a8b",
			"OS": "linux",
			"OSVersion": "6.8.0-45-generic",
			"Hostname": "alice-laptop",
			"Distro": "ubuntu",
			"DistroVersion": "24.04",
			"GoArch": "amd64",
			"GoVersion": "go1.24.6",
			"Services": [
				{
					"Proto": "tcp",
					"Port": 22,
					"Description": "sshd"
				}
			],
			"NetInfo": {
				"MappingVariesByDestIP": false,
				"PreferredDERP": 1
			}
		},
		"Created": "2025-02-11T15:04:05.123456789Z",
		"Cap": 130,
		"PrimaryRoutes": null,
		"LastSeen": "2026-01-01T12:00:00Z",
		"Online": true,
		"MachineAuthorized": true,
		"CapMap": {
			"https://tailscale.com/cap/file-sharing": null,
			"https://tailscale.com/cap/ssh": null
		},
		"ComputedName": "alice-laptop",
		"ComputedNameWithHost": "alice-laptop"
	},
	"UserProfile": {
		"ID": 7743467757367193,
		"LoginName": "alice@example.com",
		"DisplayName": "Alice Example",
		"ProfilePicURL": "https://lh3.googleusercontent.com/a/alice=s96-c"
	},
	"CapMap": {
		"tailscale.com/cap/tsidp": [
			{
				"allow_admin_ui": true,
				"allow_dcr": true
			},
			{
				"users": [
					"*"
				],
				"resources": [
					"*"
				],
				"extraClaims": {
					"team": "blue",
					"clearance": 3
				},
				"includeInUserInfo": true
			}
		],
		"example.com/cap/other-app": [
			{
				"anything": [
					1,
					2,
					3
				]
			}
		]
	}
}`,
};

/** A tagged server: the user fields are tailscaled's placeholder "tagged-devices" profile, not a person. */
export const TAGGED_SERVER: WhoisFixture = {
  ip: '100.64.10.20',
  json: `{
	"Node": {
		"ID": 5004003002001,
		"StableID": "nSrv1CNTRL",
		"Name": "build-server.tail1234.ts.net.",
		"User": 123456789012,
		"Key": "nodekey:48d15d2469148d15d2469148d15d2469148d15d2469148d15d2469148d15d246",
		"KeyExpiry": "2027-05-21T09:12:44Z",
		"Machine": "mkey:5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e",
		"DiscoKey": "discokey:d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1",
		"Addresses": [
			"100.64.10.20/32",
			"fd7a:115c:a1e0::a14:14/128"
		],
		"AllowedIPs": [
			"100.64.10.20/32",
			"fd7a:115c:a1e0::a14:14/128"
		],
		"Endpoints": [
			"203.0.113.5:41641",
			"[2001:db8::5]:41641"
		],
		"HomeDERP": 1,
		"Hostinfo": {
			"IPNVersion": "1.86.5-t1a2b3c4d-g5e6f7a8b",
			"OS": "linux",
			"OSVersion": "6.8.0-45-generic",
			"Hostname": "ip-10-0-3-17",
			"Distro": "ubuntu",
			"DistroVersion": "24.04",
			"GoArch": "amd64",
			"GoVersion": "go1.24.6",
			"Services": [
				{
					"Proto": "tcp",
					"Port": 22,
					"Description": "sshd"
				}
			],
			"NetInfo": {
				"MappingVariesByDestIP": false,
				"PreferredDERP": 1
			}
		},
		"Created": "2025-02-11T15:04:05.123456789Z",
		"Cap": 130,
		"Tags": [
			"tag:server",
			"tag:ci"
		],
		"PrimaryRoutes": null,
		"LastSeen": "2026-01-01T12:00:00Z",
		"Online": true,
		"MachineAuthorized": true,
		"CapMap": {
			"https://tailscale.com/cap/file-sharing": null,
			"https://tailscale.com/cap/ssh": null
		},
		"ComputedName": "build-server",
		"ComputedNameWithHost": "build-server"
	},
	"UserProfile": {
		"ID": 123456789012,
		"LoginName": "tagged-devices",
		"DisplayName": "Tagged Devices"
	},
	"CapMap": {
		"tailscale.com/cap/tsidp": [
			{
				"users": [
					"*"
				],
				"resources": [
					"https://ci.example.com"
				]
			}
		]
	}
}`,
};

/** A node shared in from another tailnet (Sharer set): its owner, dana@example.org, is the identity. */
export const SHARED_NODE: WhoisFixture = {
  ip: '100.88.1.2',
  json: `{
	"Node": {
		"ID": 4815162342,
		"StableID": "nShared1CNTRL",
		"Name": "dana-desktop.tail9876.ts.net.",
		"User": 31415926535,
		"Sharer": 27182818284,
		"Key": "nodekey:11f018be611f018be611f018be611f018be611f018be611f018be611f018be61",
		"KeyExpiry": "2027-05-21T09:12:44Z",
		"Machine": "mkey:5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e",
		"DiscoKey": "discokey:d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1",
		"Addresses": [
			"100.88.1.2/32",
			"fd7a:115c:a1e0::5801:102/128"
		],
		"AllowedIPs": [
			"100.88.1.2/32",
			"fd7a:115c:a1e0::5801:102/128"
		],
		"Endpoints": [
			"203.0.113.5:41641",
			"[2001:db8::5]:41641"
		],
		"HomeDERP": 1,
		"Hostinfo": {
			"IPNVersion": "1.86.5-t1a2b3c4d-g5e6f7a8b",
			"OS": "linux",
			"OSVersion": "6.8.0-45-generic",
			"Hostname": "dana-desktop",
			"Distro": "ubuntu",
			"DistroVersion": "24.04",
			"GoArch": "amd64",
			"GoVersion": "go1.24.6",
			"Services": [
				{
					"Proto": "tcp",
					"Port": 22,
					"Description": "sshd"
				}
			],
			"NetInfo": {
				"MappingVariesByDestIP": false,
				"PreferredDERP": 1
			}
		},
		"Created": "2025-02-11T15:04:05.123456789Z",
		"Cap": 130,
		"PrimaryRoutes": null,
		"LastSeen": "2026-01-01T12:00:00Z",
		"Online": true,
		"MachineAuthorized": true,
		"CapMap": {
			"https://tailscale.com/cap/file-sharing": null,
			"https://tailscale.com/cap/ssh": null
		},
		"ComputedName": "dana-desktop",
		"ComputedNameWithHost": "dana-desktop"
	},
	"UserProfile": {
		"ID": 31415926535,
		"LoginName": "dana@example.org",
		"DisplayName": "Dana Shared",
		"ProfilePicURL": ""
	}
}`,
};

/** A user whose profile carries Groups (tailscaled >= 1.98 with see-groups), with a duplicate and a non-string to be dropped; Node.User is above 2^53 so uid must stay a string. */
export const GROUPS_USER: WhoisFixture = {
  ip: '100.77.7.7',
  json: `{
	"Node": {
		"ID": 777000777,
		"StableID": "nCarol1CNTRL",
		"Name": "carol-mbp.tail1234.ts.net.",
		"User": 18014398509481985,
		"Key": "nodekey:2e5017492e5017492e5017492e5017492e5017492e5017492e5017492e501749",
		"KeyExpiry": "2027-05-21T09:12:44Z",
		"Machine": "mkey:5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e",
		"DiscoKey": "discokey:d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1",
		"Addresses": [
			"100.77.7.7/32"
		],
		"AllowedIPs": [
			"100.77.7.7/32"
		],
		"Endpoints": [
			"203.0.113.5:41641",
			"[2001:db8::5]:41641"
		],
		"HomeDERP": 1,
		"Hostinfo": {
			"IPNVersion": "1.86.5-t1a2b3c4d-g5e6f7a8b",
			"OS": "linux",
			"OSVersion": "6.8.0-45-generic",
			"Hostname": "carol-mbp",
			"Distro": "ubuntu",
			"DistroVersion": "24.04",
			"GoArch": "amd64",
			"GoVersion": "go1.24.6",
			"Services": [
				{
					"Proto": "tcp",
					"Port": 22,
					"Description": "sshd"
				}
			],
			"NetInfo": {
				"MappingVariesByDestIP": false,
				"PreferredDERP": 1
			}
		},
		"Created": "2025-02-11T15:04:05.123456789Z",
		"Cap": 130,
		"PrimaryRoutes": null,
		"LastSeen": "2026-01-01T12:00:00Z",
		"Online": true,
		"MachineAuthorized": true,
		"CapMap": {
			"https://tailscale.com/cap/file-sharing": null,
			"https://tailscale.com/cap/ssh": null
		},
		"ComputedName": "carol-mbp",
		"ComputedNameWithHost": "carol-mbp"
	},
	"UserProfile": {
		"ID": 18014398509481985,
		"LoginName": "carol.jones@example.com",
		"DisplayName": "Carol Jones",
		"Groups": [
			"group:eng",
			"eng@example.com",
			"group:eng",
			42
		]
	},
	"CapMap": {}
}`,
};

/** A GitHub-authenticated user (bob@github): not a mailbox, no profile picture field at all. */
export const BOB_GITHUB: WhoisFixture = {
  ip: '100.99.0.5',
  json: `{
	"Node": {
		"ID": 600700800,
		"StableID": "nBob1CNTRL",
		"Name": "bobs-phone.tail1234.ts.net.",
		"User": 445566778899,
		"Key": "nodekey:23cdf78023cdf78023cdf78023cdf78023cdf78023cdf78023cdf78023cdf780",
		"KeyExpiry": "2027-05-21T09:12:44Z",
		"Machine": "mkey:5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e",
		"DiscoKey": "discokey:d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1",
		"Addresses": [
			"100.99.0.5/32",
			"fd7a:115c:a1e0::6300:5/128"
		],
		"AllowedIPs": [
			"100.99.0.5/32",
			"fd7a:115c:a1e0::6300:5/128"
		],
		"Endpoints": [
			"203.0.113.5:41641",
			"[2001:db8::5]:41641"
		],
		"HomeDERP": 1,
		"Hostinfo": {
			"IPNVersion": "1.86.5-t1a2b3c4d-g5e6f7a8b",
			"OS": "linux",
			"OSVersion": "6.8.0-45-generic",
			"Hostname": "bobs-phone",
			"Distro": "ubuntu",
			"DistroVersion": "24.04",
			"GoArch": "amd64",
			"GoVersion": "go1.24.6",
			"Services": [
				{
					"Proto": "tcp",
					"Port": 22,
					"Description": "sshd"
				}
			],
			"NetInfo": {
				"MappingVariesByDestIP": false,
				"PreferredDERP": 1
			}
		},
		"Created": "2025-02-11T15:04:05.123456789Z",
		"Cap": 130,
		"PrimaryRoutes": null,
		"LastSeen": "2026-01-01T12:00:00Z",
		"Online": true,
		"MachineAuthorized": true,
		"CapMap": {
			"https://tailscale.com/cap/file-sharing": null,
			"https://tailscale.com/cap/ssh": null
		},
		"ComputedName": "bobs-phone",
		"ComputedNameWithHost": "bobs-phone"
	},
	"UserProfile": {
		"ID": 445566778899,
		"LoginName": "bob@github",
		"DisplayName": "Bob B."
	}
}`,
};
