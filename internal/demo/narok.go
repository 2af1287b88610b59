package demo

// Narok County ICT & E-Government, transcribed from seed 001 (the department's customer service
// delivery charter). Demo false; the transcription rules are those described in kakamega.go.
//
// Seed wording interpreted here:
//   - costs "Nil" are CostKind "free" (the database keeps no text for a free service);
//   - timelines: "10 minutes" → 10m, "30 minutes" → 30m, "1 day" → 1d, "2 days" → 2d,
//     "10 days" → 10d (the charter's days are working days, as the department works Monday to
//     Friday), "continuous"/"Continuous" → continuous;
//   - row 5's requirements cell reads "ContentNecessary approvals": two lines, "Content" and
//     "Necessary approvals", run together in the copy;
//   - row 6's requirements cell wraps "Requisition from" / "departments" (a stray "," sits in the
//     timeline column of the wrapped line): one requirement, "Requisition from departments";
//   - row 8's requirements cell reads " Communicati on from departments Feasibility study": two
//     requirements, with the hyphenation break in "Communication" repaired.
//
// Channels are not stated by the charter: requests from departments and users are taken at the
// office ("counter") and, for technical support, at the help desk ("help_desk").

func narok() Data {
	const agency = "NRK-ICT"
	services := []Service{
		{
			Code: "NRK-ICT-01", AgencyCode: agency, Position: 1,
			Name:         "Request of ICT technical support",
			NameSw:       "Ombi la msaada wa kiufundi wa TEHAMA",
			Requirements: []string{"Request from departments/users"},
			CostKind:     "free",
			TimelineKind: "duration", Timeline: "30m", TimelineText: "30 minutes",
			Channels: []string{"counter", "help_desk"},
		},
		{
			Code: "NRK-ICT-02", AgencyCode: agency, Position: 2,
			Name:         "Diagnosing ICT problems",
			NameSw:       "Kuchunguza matatizo ya TEHAMA",
			Requirements: []string{"Proper description of the problems"},
			CostKind:     "free",
			TimelineKind: "duration", Timeline: "10m", TimelineText: "10 minutes",
			Channels: []string{"counter", "help_desk"},
		},
		{
			Code: "NRK-ICT-03", AgencyCode: agency, Position: 3,
			Name:         "Resolving ICT problems",
			NameSw:       "Kutatua matatizo ya TEHAMA",
			Requirements: []string{"Brief of the problem for departments"},
			CostKind:     "free",
			TimelineKind: "duration", Timeline: "1d", TimelineText: "1 day",
			Channels: []string{"counter", "help_desk"},
		},
		{
			Code: "NRK-ICT-04", AgencyCode: agency, Position: 4,
			Name:         "Resolving ICT problems for equipment under warranty",
			NameSw:       "Kutatua matatizo ya TEHAMA ya vifaa vilivyo chini ya dhamana",
			Requirements: []string{"Notification"},
			CostKind:     "free",
			TimelineKind: "duration", Timeline: "10d", TimelineText: "10 days",
			Channels: []string{"counter", "help_desk"},
		},
		{
			Code: "NRK-ICT-05", AgencyCode: agency, Position: 5,
			Name:         "Uploading of website materials",
			NameSw:       "Kupakia maudhui kwenye tovuti",
			Requirements: []string{"Content", "Necessary approvals"},
			CostKind:     "free",
			TimelineKind: "continuous", TimelineText: "continuous",
			Channels: []string{"counter"},
		},
		{
			Code: "NRK-ICT-06", AgencyCode: agency, Position: 6,
			Name:         "Provision of ICT technical specifications for hardware and software",
			NameSw:       "Utoaji wa vipimo vya kiufundi vya TEHAMA kwa maunzi na programu",
			Requirements: []string{"Requisition from departments"},
			CostKind:     "free",
			TimelineKind: "duration", Timeline: "2d", TimelineText: "2 days",
			Channels: []string{"counter"},
		},
		{
			Code: "NRK-ICT-07", AgencyCode: agency, Position: 7,
			Name:         "Servicing and maintenance of ICT equipment",
			NameSw:       "Huduma na matengenezo ya vifaa vya TEHAMA",
			Requirements: []string{"Service Level Agreement"},
			CostKind:     "text", CostText: "As per contract",
			TimelineKind: "continuous", TimelineText: "Continuous",
			Channels: []string{"counter", "help_desk"},
		},
		{
			Code: "NRK-ICT-08", AgencyCode: agency, Position: 8,
			Name:         "Automation of manual functions",
			NameSw:       "Kuweka kidijitali shughuli zinazofanywa kwa mkono",
			Requirements: []string{"Communication from departments", "Feasibility study"},
			CostKind:     "free",
			TimelineKind: "continuous", TimelineText: "Continuous",
			Channels: []string{"counter"},
		},
		{
			Code: "NRK-ICT-09", AgencyCode: agency, Position: 9,
			Name:         "Training of users on the new ICT resources",
			NameSw:       "Mafunzo kwa watumiaji kuhusu rasilimali mpya za TEHAMA",
			Requirements: []string{"ICT Training Needs Assessment"},
			CostKind:     "free",
			TimelineKind: "continuous", TimelineText: "Continuous",
			Channels: []string{"counter"},
		},
	}

	const address = "Noolomongi Plaza, P.O. Box 898-20500, Narok"
	return Data{
		Agencies: []Agency{{
			Code:    agency,
			Name:    "Narok County ICT & E-Government",
			NameSw:  "Idara ya TEHAMA na Serikali Mtandao ya Kaunti ya Narok",
			Kind:    "county_department",
			County:  "Narok",
			Email:   "Ict@narok.go.ke", // as printed
			Address: address,
			// The charter gives no telephone number.
		}},
		Centres: []Centre{{
			// The charter names no counters; the department serves at one help desk.
			Code:       "NRK-ICT-HQ",
			Name:       "Narok County ICT & E-Government Office",
			Kind:       "county_office",
			County:     "Narok",
			Address:    address,
			Counters:   1,
			AgencyCode: agency,
			Services:   codesOf(services),
		}},
		Services: services,
		Charters: []Charter{{
			AgencyCode: agency,
			Title:      "Narok County Government, ICT & E-Government Customer Service Delivery Charter",
			// "INTRODUCTION"
			Preamble: "This charter is a declaration of our commitment to provide quality services to our customers. It outlines the services rendered, requirements to obtain the services, costs and timelines within which the ICT department provides services.",
			Vision:   "Digitally transformed and empowered County Citizenry.",
			Mission:  "To provide reliable, efficient, effective and secure user-centric digital services through robust digital infrastructure, innovative digital services, and enhanced digital skills",
			// "Our core functions are to provide:" is the heading the charter page prints as
			// "Core functions". The last item's "Commission's" is as printed.
			CoreFunctions: []string{
				"End-user technical support services;",
				"Capacity building on ICT;",
				"Support management of ICT resources;",
				"Leadership in automation of services;",
				"Technical advice on acquisition of ICT resources; and",
				"Coordinate online service delivery through use of emerging technologies.",
				"Budget for Commission's/ ICT department's recurrent needs",
			},
			// "Our core values are:"
			CoreValues: []string{
				"Professionalism;",
				"Confidentiality;",
				"Efficiency and effectiveness;",
				"Transparency and accountability;",
				"Integrity;",
				"Teamwork;",
				"Innovation;",
				"Courtesy;",
			},
			// "OUR STANDARDS"
			Standards: []string{
				"Quality service",
				"Timely resolution of ICT related problems",
				"Focus on results",
			},
			// "COMMITMENTS AND OBLIGATIONS OF THE CUSTOMER": the introduction first, then the
			// seven obligations. The list's last bullet, "Working hours (Monday to Friday)
			// 8.00am-1.00pm, 2.00pm-5.00pm.", is moved to WorkingHours.
			ClientObligations: []string{
				"To enable us provide you with services of our set standards we request you to;",
				"Be respectful and courteous;",
				"Provide feedback;",
				"Provide necessary cooperation and accurate information;",
				"Participate actively in our programs;",
				"Give the department advance notification in cases where the services are required for a scheduled activity;",
				"Refrain from offering inducement, gifts and favors in return for service rendered or to be rendered.",
				"Adherence to existing policies and regulations.",
			},
			WorkingHours: "Monday to Friday 8.00am–1.00pm, 2.00pm–5.00pm",
			// Printed under "COMMITMENT TO COURTESY AND EXCELLENCE IN SERVICE DELIVERY", after the
			// service table; that heading is the Closing below.
			Commitments: []string{
				"The Narok County Government is a corruption-free zone. It is an offense to compromise or give a bribe to a public servant for delivery of services.",
			},
			Complaints: "Any service that does not conform to the above standards or any officer who does not live up to the commitments to courtesy and excellence in service delivery should be reported to:\n\n" +
				"Director\n" +
				"ICT and E-Government\n" +
				"Narok County Government\n" +
				"Noolomongi Plaza\n" +
				"P.O. Box 898-20500\n" +
				"NAROK, Kenya.\n" +
				"Email: Ict@narok.go.ke",
			Closing: "Commitment to Courtesy and Excellence in Service Delivery",
		}},
	}
}
