package demo

// Kakamega County ICT Department, transcribed from seed 000 (the department's service charter,
// Office of the Governor). Everything here is the charter's own wording, Demo false.
//
// Transcription rules (the same for Narok):
//   - encoding debris is cleaned and the words kept: "ย" (a mis-decoded no-break space) and the
//     "·" bullets are dropped, "โ€ข" (•) bullets are dropped, "โ€“" (–) in "e–mail" is written
//     as a plain hyphen "e-mail", and the "–" bullets in table cells are dropped;
//   - lines that the PDF wrapped inside a table cell are joined with single spaces;
//   - list items keep their own punctuation (a trailing ";" or "." stays as printed) and their own
//     capitalisation and spelling ("complements", "procedural" are as printed);
//   - a sentence that introduces a list ("We shall attend to our clients promptly as follows;") is
//     kept as the first item of that list, because the charter page prints its own headings and
//     has no separate field for an introduction.
//
// Channels are not stated by the charter; they are inferred from each row's requirements:
// a written request or letter delivered to the office = "counter", "Call from user" = "phone",
// "Call or sms" = "phone" and "sms", "Log on the help desk" = "help_desk".

func kakamega() Data {
	const agency = "KKG-ICT"
	services := []Service{
		{
			// The first row of the matrix has no number in the charter.
			Code: "KKG-ICT-01", AgencyCode: agency, Position: 1,
			Name:   "ICT equipment service and maintenance",
			NameSw: "Huduma na matengenezo ya vifaa vya TEHAMA",
			Requirements: []string{
				"Preparation of equipment maintenance schedule",
				"SLAs with vendors",
			},
			CostKind: "text", CostText: "Free/cost of equipment replacements",
			TimelineKind: "text", TimelineText: "As per approved maintenance schedule",
			Channels: []string{"help_desk"},
		},
		{
			Code: "KKG-ICT-02", AgencyCode: agency, Position: 2,
			Name:   "Update an item on the county website",
			NameSw: "Kusasisha taarifa kwenye tovuti ya kaunti",
			Requirements: []string{
				"Written approved request through communication department;",
				"A soft copy of the information;",
			},
			CostKind:     "free",
			TimelineKind: "duration", Timeline: "30m", TimelineText: "Within 30 minutes.",
			Channels: []string{"counter"},
			// "Written approved request through communication department": approval first.
			RequiresApproval: true,
		},
		{
			// The charter prints the name over two lines: "ICT equipment" / "Repair".
			Code: "KKG-ICT-03", AgencyCode: agency, Position: 3,
			Name:   "ICT equipment Repair",
			NameSw: "Ukarabati wa vifaa vya TEHAMA",
			Requirements: []string{
				"Written Request;",
				"Log on the help desk;",
			},
			CostKind: "text", CostText: "Equipment cost and budget",
			TimelineKind: "duration", Timeline: "10d", TimelineText: "Within 10 working days.",
			Channels: []string{"counter", "help_desk"},
		},
		{
			Code: "KKG-ICT-04", AgencyCode: agency, Position: 4,
			Name:   "Facilitation towards procuring ICT equipment",
			NameSw: "Uwezeshaji wa ununuzi wa vifaa vya TEHAMA",
			Requirements: []string{
				"Written approved request;",
				"Budget provision;",
				"Availability in the market;",
			},
			CostKind:     "free",
			TimelineKind: "duration", Timeline: "30m", TimelineText: "Within 30 minutes.",
			Channels: []string{"counter"},
		},
		{
			// The service cell holds two dash-bulleted items, "– Provision of new network/repair"
			// and "– Internet access connection"; they are joined with "; ". The timeline cell
			// reads "For email: 1 hour" and "For network: depends on affected site" on two lines:
			// the text keeps both, the duration is the only figure given (1 hour).
			Code: "KKG-ICT-05", AgencyCode: agency, Position: 5,
			Name:   "Provision of new network/repair; Internet access connection",
			NameSw: "Uwekaji au ukarabati wa mtandao; kuunganishwa na intaneti",
			Requirements: []string{
				"Written approved request;",
				"Call from user;",
				"Detection on the network monitoring and trending system",
			},
			CostKind: "text", CostText: "Network cost and Budget provision",
			TimelineKind: "duration", Timeline: "1h",
			TimelineText: "For email: 1 hour / For network: depends on affected site",
			Channels:     []string{"counter", "phone"},
		},
		{
			Code: "KKG-ICT-06", AgencyCode: agency, Position: 6,
			Name:   "Diagnosis and response to ICT Security breaches",
			NameSw: "Uchunguzi na ukabilianaji wa uvunjaji wa usalama wa TEHAMA",
			Requirements: []string{
				"Detection on the network monitoring and trending system;",
				"System logs;",
				"Written request or call from user;",
			},
			CostKind:     "free",
			TimelineKind: "continuous", TimelineText: "Continuous",
			Channels: []string{"counter", "phone"},
		},
		{
			// From this row on the charter's cost cells are empty: the charter states no cost.
			// The name ends with ";" in the charter; a name is not a list item, so it is dropped.
			Code: "KKG-ICT-07", AgencyCode: agency, Position: 7,
			Name:   "Request for new e-mail access accounts",
			NameSw: "Ombi la akaunti mpya ya barua pepe",
			Requirements: []string{
				"Written request;",
				"Call from user;",
				"Log on the help desk;",
			},
			CostKind: "text", CostText: "",
			TimelineKind: "duration", Timeline: "30m", TimelineText: "Within 30 minutes",
			Channels: []string{"counter", "phone", "help_desk"},
		},
		{
			Code: "KKG-ICT-08", AgencyCode: agency, Position: 8,
			Name:   "User Support Requests",
			NameSw: "Maombi ya msaada kwa watumiaji",
			Requirements: []string{
				"Written request;",
				"Call or sms;",
				"Log on the help desk",
				"Diagnose/user manuals",
			},
			CostKind: "text", CostText: "",
			TimelineKind: "duration", Timeline: "30m", TimelineText: "Within 30 minutes",
			Channels: []string{"counter", "phone", "sms", "help_desk"},
		},
		{
			Code: "KKG-ICT-09", AgencyCode: agency, Position: 9,
			Name:   "User support and training",
			NameSw: "Msaada na mafunzo kwa watumiaji",
			Requirements: []string{
				"Written request",
				"Training schedule",
				"Carry out a Training Needs Analysis",
			},
			CostKind: "text", CostText: "",
			TimelineKind: "duration", Timeline: "4w",
			TimelineText: "Within four (4) weeks from time of receipt of request or identification of need to train",
			Channels:     []string{"counter"},
		},
		{
			Code: "KKG-ICT-10", AgencyCode: agency, Position: 10,
			Name:   "Escalation of ICT equipment faults",
			NameSw: "Kupandisha ngazi hitilafu za vifaa vya TEHAMA",
			Requirements: []string{
				"Diagnose the equipment fault",
				"Identify spares required",
				"Deliver equipment to vendor where necessary",
				"User collects equipment after service/repair",
			},
			CostKind: "text", CostText: "",
			TimelineKind: "duration", Timeline: "6w",
			TimelineText: "Within six (6) weeks after equipment is delivered to the ICT workshop",
			Channels:     []string{"help_desk"},
		},
		{
			// The seed repeats the previous row's timeline for Projects Implementation ("Within six
			// (6) weeks after equipment is delivered to the ICT workshop"), almost certainly a
			// copy-and-paste slip in the charter. It is kept as printed, not corrected.
			Code: "KKG-ICT-11", AgencyCode: agency, Position: 11,
			Name:   "Projects Implementation",
			NameSw: "Utekelezaji wa miradi",
			Requirements: []string{
				"Determine project requirements",
				"Develop project proposal",
				"Tender Award",
			},
			CostKind: "text", CostText: "",
			TimelineKind: "duration", Timeline: "6w",
			TimelineText: "Within six (6) weeks after equipment is delivered to the ICT workshop",
			Channels:     []string{"counter"},
		},
	}

	return Data{
		Agencies: []Agency{{
			Code:    agency,
			Name:    "Kakamega County ICT Department",
			NameSw:  "Idara ya TEHAMA ya Kaunti ya Kakamega",
			Kind:    "county_department",
			County:  "Kakamega",
			Email:   "ict@kakamega.go.ke",
			Phone:   "056 31850/2/3",
			Address: "Office of the Governor, Kakamega",
		}},
		Centres: []Centre{{
			// The charter names no counters; the department serves at one help desk.
			Code:       "KKG-ICT-HQ",
			Name:       "Kakamega County ICT Office",
			Kind:       "county_office",
			County:     "Kakamega",
			Address:    "Office of the Governor, Kakamega",
			Counters:   1,
			AgencyCode: agency,
			Services:   codesOf(services),
		}},
		Services: services,
		Charters: []Charter{{
			AgencyCode: agency,
			Title:      "Kakamega County Government, Office of the Governor: ICT Department Service Charter",
			Preamble:   "This charter provides a blue print for the section with regard to provision of innovative and cutting edge technological services towards promoting efficiency and improved service delivery.",
			Vision:     "To be a leading county in providing of ICT and e-government",
			Mission:    "To be a leading section in providing effective, robust, innovative and enterprise level technology solutions which enables the county to meet goals and aspirations in accordance with the strategic plan and CIDP.",
			Mandate:    "The ICT Section is charged with the responsibility of designing, developing and implementing innovative information systems that have an impact on improved service delivery to the citizens of the county.",
			CoreValues: []string{
				"Confidentiality",
				"Customer focus",
				"Efficiency",
				"Accountability and Transparency",
				"Professionalism",
				"Integrity",
				"Teamwork",
			},
			CoreFunctions: []string{
				"Formulation, dissemination, implementation of ICT policies, strategic plans and guidelines",
				"Designing, installing and maintaining of the county network infrastructure and managing internet services to the county",
				"Managing the procurement processes for ICT equipment and projects",
				"Planning and budgeting of ICT section",
				"Repair and maintenance of ICT hardware equipment",
				"Designing, development and maintenance of county information systems",
				"Managing the county website and email system of the county",
				"Managing ICT projects",
				"Capacity building in ICT skills and development",
				"Offer ICT customer service and user support",
			},
			// "KEY LEADING LEGISLATIONS FOR REFERENCE"
			Legislation: []string{
				"The Constitution of Kenya 2010",
				"The County Government Act 2012",
				"The National Vision 2030",
				"The CIDP and Section Strategic Plan",
				"The National ICT Master plan",
			},
			Commitments: []string{
				"Ensure information security for the organization",
				"Be transparent, accountable and open",
				"Maintain service level agreements with clients promptly",
				"Internet and intranet services shall be provided to all the staff and service delivery centers with regard to policy",
				"Ensure all your requests are executed to completion",
				"Engage with our clients and partners",
				"To automate all the county services so as to improve service delivery",
				"Safeguard confidential and sensitive information.",
				"Enable information mechanisms that are consistent, informative and usable",
				"Translate complex technological issues and concepts into simple language",
			},
			// "OUR CLIENTS INCLUDE:" is the heading the charter page prints as "Our clients".
			Clients: []string{
				"All County Staff",
				"Development Partners",
				"Government Agencies",
				"General Public",
			},
			// "Our service standards:" — the introduction first, then the four standards.
			Standards: []string{
				"We shall attend to our clients promptly as follows;",
				"Within 10 minutes of visit",
				"Answer all telephone calls promptly and courteously within three (3) rings.",
				"Respond to all written communication immediately.",
				"Collaborate with communication section to ensure the website is updated frequently",
			},
			// "OUR CONDUCT" (introduction and four items), then "OUR VALUES" ("we will:" and three
			// items). The charter's "our values" are promises of how the section will behave, in
			// the same "we will" form as its conduct, so they are kept here, after the conduct,
			// under their own introduction "Our values – we will:".
			Conduct: []string{
				"We shall operate as one sectional team and will",
				"Listen to stakeholders and partners to understand their needs",
				"Collaborate with internal and external stakeholders",
				"Keep abreast of and present the technology innovations",
				"Adhere to high ethical and professional standards at all times",
				"Our values – we will:",
				"Build a leading section by continuously improving and innovating",
				"Provide sound advice which enables county to identify the optimal technology solutions and investments",
				"Be a cost effective, agile and trusted section that consistently delivers high standards of service",
			},
			// "Obligation of our clients"
			ClientObligations: []string{
				"To be able to offer quality services to our clients in the most effective manner, our clients have an obligation to:",
				"Be conversant with policies, regulations and guidelines in regard to services rendered",
				"Utilize ICT equipment procedural and with care",
				"Make timely requests for services required",
				"Provide full, sincere and accurate information on services required",
				"Provide feedback on quality of services rendered by our staff",
				"Relate to our staff with courtesy and respect",
			},
			// "Rights of our clients"
			ClientRights: []string{
				"Our clients have a right to:",
				"Receive quality and timely services",
				"Be served with courtesy and respect",
				"Confidentiality of sensitive information",
				"Lodge complaints when dissatisfied with services rendered",
			},
			// The charter states no working hours.
			MatrixNote: "*Days mentioned refers to working days",
			// The feedback encouragement (printed after the clients' rights) opens the complaints
			// text; then the contacts block as printed at the end of the charter.
			Complaints: "We encourage our clients to feel free and give us feedback on services rendered to enable us improve on quality of our service delivery.\n\n" +
				"Any inquiries/correspondences/complaints and complements may be directed to the following contacts:-\n\n" +
				"CONTACT: COUNTY HEAD OF ICT\n" +
				"TELEPHONE: 056 31850/2/3\n" +
				"E MAIL: vmotochi@kakamega.go.ke\n" +
				"ict@kakamega.go.ke",
			Closing: "We are committed to Excellence in Service Delivery",
		}},
	}
}
