package demo

// The Huduma Centre network: every Huduma Centre the seeds name, the national agencies that serve
// there (drawn from seed 002's list of programme stakeholders) and a catalogue of their services.
//
// All of it is demonstration data (Demo true). The centres and agencies are real; the addresses,
// counter numbers, requirements, fees and timelines are plausible illustrations from public
// knowledge, not official figures, and the charter page marks every such row "demo".
//
// Centres named in the seeds: seed 004 lists GPO Nairobi, City Square, Makadara, Eastleigh, Kibra,
// Mombasa, Bungoma, Siaya, Kitui, Embu, Kisumu, Kisii, Kakamega, Kajiado, Machakos, Meru, Isiolo,
// Wajir, Turkana, Nyeri, Nakuru, Eldoret, Kwale, Makueni, Nyamira and Thika. Seeds 002 and 003 name
// only "Teleposta Huduma Center", which is the GPO centre (Huduma Centre GPO is in Teleposta
// Towers), so it is not a separate centre: HC-GPO's address says Teleposta Towers.

// kes is a whole number of Kenya shillings in cents.
func kes(shillings int64) int64 { return shillings * 100 }

func hudumaAgencies() []Agency {
	agencies := []Agency{
		{Code: "HK", Name: "Huduma Kenya Secretariat", NameSw: "Sekretarieti ya Huduma Kenya", Kind: "agency",
			Email: "info@hudumakenya.go.ke", Phone: "1919", Address: "Teleposta Towers, Kenyatta Avenue, Nairobi"},
		{Code: "NRB", Name: "National Registration Bureau", NameSw: "Ofisi ya Taifa ya Usajili wa Watu", Kind: "agency",
			Address: "Hass Plaza, Lower Hill Road, Nairobi"},
		{Code: "CRS", Name: "Civil Registration Services", NameSw: "Idara ya Usajili wa Vizazi na Vifo", Kind: "agency",
			Address: "Nairobi"},
		{Code: "IMMIGRATION", Name: "Department of Immigration Services", NameSw: "Idara ya Uhamiaji", Kind: "agency",
			Address: "Nyayo House, Kenyatta Avenue, Nairobi"},
		// The National Health Insurance Fund was succeeded by the Social Health Authority (SHA)
		// in October 2024 under the Social Health Insurance Act, 2023. The seeds (2015) name NHIF,
		// so the demo keeps that name; see the services' descriptions.
		{Code: "NHIF", Name: "National Health Insurance Fund", NameSw: "Hazina ya Taifa ya Bima ya Afya", Kind: "agency",
			Email: "customercare@nhif.or.ke", Address: "NHIF Building, Ragati Road, Nairobi"},
		{Code: "NSSF", Name: "National Social Security Fund", NameSw: "Hazina ya Taifa ya Hifadhi ya Jamii", Kind: "agency",
			Email: "info@nssf.or.ke", Address: "NSSF Building, Bishops Road, Nairobi"},
		{Code: "KRA", Name: "Kenya Revenue Authority", NameSw: "Mamlaka ya Ushuru ya Kenya", Kind: "agency",
			Email: "callcentre@kra.go.ke", Address: "Times Tower, Haile Selassie Avenue, Nairobi"},
		{Code: "HELB", Name: "Higher Education Loans Board", NameSw: "Bodi ya Mikopo ya Elimu ya Juu", Kind: "agency",
			Email: "contactcentre@helb.co.ke", Address: "Anniversary Towers, University Way, Nairobi"},
		// Seed 002 says "Kenya Police"; the service is the National Police Service.
		{Code: "NPS", Name: "National Police Service", NameSw: "Huduma ya Taifa ya Polisi", Kind: "agency",
			Address: "Vigilance House, Harambee Avenue, Nairobi"},
		{Code: "DCI", Name: "Directorate of Criminal Investigations", NameSw: "Idara ya Upelelezi wa Jinai", Kind: "agency",
			Address: "DCI Headquarters, Kiambu Road, Nairobi"},
		{Code: "BRS", Name: "Business Registration Service", NameSw: "Huduma ya Usajili wa Biashara", Kind: "agency",
			Address: "Sheria House, Harambee Avenue, Nairobi"},
		{Code: "NTSA", Name: "National Transport and Safety Authority", NameSw: "Mamlaka ya Taifa ya Uchukuzi na Usalama Barabarani", Kind: "agency",
			Address: "Hill Park Building, Upper Hill Road, Nairobi"},
		{Code: "KPLC", Name: "Kenya Power", NameSw: "Kampuni ya Umeme ya Kenya (Kenya Power)", Kind: "agency",
			Email: "customercare@kplc.co.ke", Address: "Stima Plaza, Kolobot Road, Nairobi"},
		{Code: "PENSIONS", Name: "Pensions Department", NameSw: "Idara ya Pensheni", Kind: "agency",
			Address: "Bima House, Harambee Avenue, Nairobi"},
		{Code: "POSTA", Name: "Postal Corporation of Kenya", NameSw: "Shirika la Posta la Kenya", Kind: "agency",
			Email: "info@posta.co.ke", Address: "Posta House, Kenyatta Avenue, Nairobi"},
		{Code: "MOLSS", Name: "Ministry of Labour, Social Security and Services", NameSw: "Wizara ya Kazi, Hifadhi ya Jamii na Huduma", Kind: "ministry",
			Address: "Social Security House, Bishops Road, Nairobi"},
		{Code: "LANDS", Name: "Ministry of Lands, Housing and Urban Development", NameSw: "Wizara ya Ardhi, Nyumba na Maendeleo ya Miji", Kind: "ministry",
			Address: "Ardhi House, 1st Ngong Avenue, Nairobi"},
		{Code: "EACC", Name: "Ethics and Anti-Corruption Commission", NameSw: "Tume ya Maadili na Kupambana na Ufisadi", Kind: "agency",
			Email: "eacc@integrity.go.ke", Address: "Integrity Centre, Valley Road, Nairobi"},
		{Code: "CAJ", Name: "Commission on Administrative Justice (Office of the Ombudsman)", NameSw: "Tume ya Haki ya Kiutawala (Ofisi ya Ombudsman)", Kind: "agency",
			Email: "info@ombudsman.go.ke", Address: "West End Towers, Waiyaki Way, Nairobi"},
	}
	for i := range agencies {
		agencies[i].Demo = true
	}
	return agencies
}

func hudumaServices() []Service {
	services := []Service{
		// Huduma Kenya Secretariat
		{Code: "HK-01", AgencyCode: "HK", Name: "Enquiries and referral", NameSw: "Maswali na rufaa",
			Description:  "Information on any government service; where a service is not offered at the centre, the customer is referred to the ministry or office concerned and Huduma staff follow up.",
			Requirements: []string{"Queue ticket from the information desk"},
			CostKind:     "free", TimelineKind: "duration", Timeline: "10m", TimelineText: "Within 10 minutes.",
			Channels: []string{"counter", "phone", "web", "sms", "email"}},
		{Code: "HK-02", AgencyCode: "HK", Name: "Customer complaint to the Centre Manager", NameSw: "Malalamiko kwa Meneja wa Kituo",
			Description:  "The Centre Manager is the first stop for any complaint; matters the centre cannot resolve are escalated to the institution concerned and to the Huduma Kenya Secretariat.",
			Requirements: []string{"Details of the service and the counter concerned", "Queue ticket or receipt (where available)"},
			CostKind:     "free", TimelineKind: "duration", Timeline: "1d", TimelineText: "Feedback within 1 working day.",
			Channels: []string{"counter", "phone", "web", "email"}},

		// National Registration Bureau
		{Code: "NRB-01", AgencyCode: "NRB", Name: "National ID card: first issue", NameSw: "Kitambulisho cha taifa: kutolewa mara ya kwanza",
			Description: "Registration of Kenyan citizens aged 18 and above; fingerprints and photograph are taken at the counter.",
			Requirements: []string{
				"Applicant aged 18 years or above, in person",
				"Original and copy of birth certificate",
				"Copies of both parents' national ID cards",
				"Letter from the area chief (where required for vetting)",
			},
			CostKind: "free", TimelineKind: "duration", Timeline: "3w", TimelineText: "ID card ready for collection within 3 weeks.",
			Channels: []string{"counter", "sms"}},
		{Code: "NRB-02", AgencyCode: "NRB", Name: "Replacement of a lost national ID card", NameSw: "Kitambulisho cha taifa badala ya kilichopotea",
			Requirements: []string{
				"Police abstract for the lost ID card",
				"Copy of the lost ID card or its number (where available)",
				"Replacement fee",
			},
			CostKind: "amount", CostCents: kes(100), TimelineKind: "duration", Timeline: "3w", TimelineText: "ID card ready for collection within 3 weeks.",
			Channels: []string{"counter", "sms"}},

		// Civil Registration Services
		{Code: "CRS-01", AgencyCode: "CRS", Name: "Birth certificate (at registration)", NameSw: "Cheti cha kuzaliwa (wakati wa usajili)",
			Requirements: []string{
				"Birth notification from the hospital, or from the assistant chief for a birth at home",
				"Copies of the parents' national ID cards",
			},
			CostKind: "amount", CostCents: kes(50), TimelineKind: "duration", Timeline: "10d", TimelineText: "Within 10 working days.",
			Channels: []string{"counter", "web"}},
		{Code: "CRS-02", AgencyCode: "CRS", Name: "Replacement birth certificate", NameSw: "Cheti cha kuzaliwa mbadala",
			Requirements: []string{
				"Copy of the original birth certificate or its entry number",
				"National ID card of the applicant or parent",
				"Police abstract where the certificate was lost",
			},
			CostKind: "amount", CostCents: kes(200), TimelineKind: "duration", Timeline: "10d", TimelineText: "Within 10 working days.",
			Channels: []string{"counter", "web"}},
		{Code: "CRS-03", AgencyCode: "CRS", Name: "Death certificate", NameSw: "Cheti cha kifo",
			Requirements: []string{
				"Burial permit or death notification",
				"National ID card of the deceased",
				"National ID card of the applicant (next of kin)",
			},
			CostKind: "amount", CostCents: kes(50), TimelineKind: "duration", Timeline: "10d", TimelineText: "Within 10 working days.",
			Channels: []string{"counter", "web"}},

		// Department of Immigration Services
		{Code: "IMMIGRATION-01", AgencyCode: "IMMIGRATION", Name: "Passport application support", NameSw: "Msaada wa kuomba pasipoti",
			Description: "Help with the eCitizen passport application and a check of the documents before the applicant's appointment. The passport fee is paid on eCitizen; the passport is issued by the Department of Immigration.",
			Requirements: []string{
				"eCitizen account",
				"Original and copy of national ID card",
				"Original and copy of birth certificate",
				"Copy of a recommender's national ID card",
			},
			CostKind: "free", TimelineKind: "duration", Timeline: "30m", TimelineText: "Within 30 minutes.",
			Channels: []string{"counter", "web"}},

		// National Health Insurance Fund (now the Social Health Authority)
		{Code: "NHIF-01", AgencyCode: "NHIF", Name: "NHIF member registration", NameSw: "Usajili wa mwanachama wa NHIF",
			Description: "NHIF has since been succeeded by the Social Health Authority (SHA); the name is kept as in the seed documents.",
			Requirements: []string{
				"National ID card or passport",
				"KRA PIN (for the self-employed)",
				"Birth certificates of children to be registered as dependants",
				"Spouse's national ID card (to register a spouse)",
			},
			CostKind: "free", TimelineKind: "duration", Timeline: "30m", TimelineText: "Within 30 minutes.",
			Channels: []string{"counter", "web", "ussd"}},
		{Code: "NHIF-02", AgencyCode: "NHIF", Name: "Update of member details and dependants", NameSw: "Kusasisha taarifa za mwanachama na wategemezi",
			Description:  "NHIF has since been succeeded by the Social Health Authority (SHA); the name is kept as in the seed documents.",
			Requirements: []string{"NHIF card or member number", "National ID card", "Documents for each change (birth or marriage certificate)"},
			CostKind:     "free", TimelineKind: "duration", Timeline: "30m", TimelineText: "Within 30 minutes.",
			Channels: []string{"counter", "web"}},

		// National Social Security Fund
		{Code: "NSSF-01", AgencyCode: "NSSF", Name: "NSSF member registration", NameSw: "Usajili wa mwanachama wa NSSF",
			Requirements: []string{"National ID card", "KRA PIN"},
			CostKind:     "free", TimelineKind: "duration", Timeline: "30m", TimelineText: "Within 30 minutes.",
			Channels: []string{"counter", "web"}},
		{Code: "NSSF-02", AgencyCode: "NSSF", Name: "Member contributions statement", NameSw: "Taarifa ya michango ya mwanachama",
			Requirements: []string{"National ID card", "NSSF membership number"},
			CostKind:     "free", TimelineKind: "duration", Timeline: "10m", TimelineText: "Within 10 minutes.",
			Channels: []string{"counter", "web", "sms"}},

		// Kenya Revenue Authority
		{Code: "KRA-01", AgencyCode: "KRA", Name: "KRA PIN registration", NameSw: "Usajili wa PIN ya KRA",
			Requirements: []string{"National ID card", "Active e-mail address", "Active mobile number"},
			CostKind:     "free", TimelineKind: "duration", Timeline: "30m", TimelineText: "Within 30 minutes.",
			Channels: []string{"counter", "web"}},
		{Code: "KRA-02", AgencyCode: "KRA", Name: "Tax compliance certificate", NameSw: "Cheti cha utiifu wa kodi",
			Requirements: []string{"KRA PIN and iTax password", "All tax returns filed", "No outstanding tax liabilities"},
			CostKind:     "free", TimelineKind: "duration", Timeline: "1d", TimelineText: "Within 1 working day where the taxpayer is compliant.",
			Channels: []string{"counter", "web"}},
		{Code: "KRA-03", AgencyCode: "KRA", Name: "Filing of income tax returns (iTax support)", NameSw: "Msaada wa kuwasilisha ritani za kodi ya mapato (iTax)",
			Requirements: []string{"KRA PIN and iTax password", "P9 form from the employer (for employees)"},
			CostKind:     "free", TimelineKind: "duration", Timeline: "30m", TimelineText: "Within 30 minutes.",
			Channels: []string{"counter", "web"}},

		// Higher Education Loans Board
		{Code: "HELB-01", AgencyCode: "HELB", Name: "Loan application support", NameSw: "Msaada wa kuomba mkopo",
			Requirements: []string{
				"National ID card",
				"Admission letter from the university or college",
				"Copies of parents' or guardians' national ID cards",
			},
			CostKind: "free", TimelineKind: "duration", Timeline: "30m", TimelineText: "Within 30 minutes.",
			Channels: []string{"counter", "web", "ussd"}},
		{Code: "HELB-02", AgencyCode: "HELB", Name: "HELB compliance certificate", NameSw: "Cheti cha utiifu cha HELB",
			Requirements: []string{"National ID card", "Loan fully repaid or repayments up to date"},
			CostKind:     "amount", CostCents: kes(1000), TimelineKind: "duration", Timeline: "2d", TimelineText: "Within 2 working days.",
			Channels: []string{"counter", "web"}},

		// National Police Service
		{Code: "NPS-01", AgencyCode: "NPS", Name: "Police abstract", NameSw: "Taarifa ya polisi (abstract)",
			Requirements: []string{"Occurrence Book (OB) number from the police station where the loss was reported", "National ID card or other identification"},
			CostKind:     "free", TimelineKind: "duration", Timeline: "30m", TimelineText: "Within 30 minutes.",
			Channels: []string{"counter"}},

		// Directorate of Criminal Investigations
		{Code: "DCI-01", AgencyCode: "DCI", Name: "Certificate of good conduct", NameSw: "Cheti cha tabia njema",
			Description: "Fingerprints are taken at the centre and sent to the DCI; the certificate is downloaded from eCitizen.",
			Requirements: []string{
				"eCitizen application and payment receipt",
				"Original and copy of national ID card",
				"Fingerprints taken at the centre (form C24)",
			},
			CostKind: "amount", CostCents: kes(1050), TimelineKind: "duration", Timeline: "2w", TimelineText: "Within 2 weeks.",
			Channels: []string{"counter", "web"}},

		// Business Registration Service
		{Code: "BRS-01", AgencyCode: "BRS", Name: "Business name search and reservation", NameSw: "Kutafuta na kuhifadhi jina la biashara",
			Requirements: []string{"Up to three proposed names in order of preference", "National ID card and KRA PIN"},
			CostKind:     "amount", CostCents: kes(150), TimelineKind: "duration", Timeline: "1d", TimelineText: "Within 1 working day.",
			Channels: []string{"counter", "web"}},
		{Code: "BRS-02", AgencyCode: "BRS", Name: "Business name registration", NameSw: "Usajili wa jina la biashara",
			Requirements: []string{
				"Approved name reservation",
				"Copies of the proprietors' national ID cards and KRA PINs",
				"Business physical and postal address",
			},
			CostKind: "amount", CostCents: kes(950), TimelineKind: "duration", Timeline: "3d", TimelineText: "Within 3 working days.",
			Channels: []string{"counter", "web"}},

		// National Transport and Safety Authority
		{Code: "NTSA-01", AgencyCode: "NTSA", Name: "Driving licence renewal (3 years)", NameSw: "Kuhuisha leseni ya udereva (miaka 3)",
			Requirements: []string{"Current driving licence", "National ID card", "eCitizen account"},
			CostKind:     "amount", CostCents: kes(3050), TimelineKind: "duration", Timeline: "30m", TimelineText: "Within 30 minutes.",
			Channels: []string{"counter", "web"}},
		{Code: "NTSA-02", AgencyCode: "NTSA", Name: "Driving licence renewal (1 year)", NameSw: "Kuhuisha leseni ya udereva (mwaka 1)",
			Requirements: []string{"Current driving licence", "National ID card", "eCitizen account"},
			CostKind:     "amount", CostCents: kes(650), TimelineKind: "duration", Timeline: "30m", TimelineText: "Within 30 minutes.",
			Channels: []string{"counter", "web"}},

		// Kenya Power
		{Code: "KPLC-01", AgencyCode: "KPLC", Name: "Electricity bill and token queries", NameSw: "Maswali kuhusu bili na tokeni za umeme",
			Requirements: []string{"Account or meter number", "Latest bill or token receipt"},
			CostKind:     "free", TimelineKind: "duration", Timeline: "30m", TimelineText: "Within 30 minutes.",
			Channels: []string{"counter", "phone", "sms", "email"}},
		{Code: "KPLC-02", AgencyCode: "KPLC", Name: "Application for a new electricity connection", NameSw: "Maombi ya kuunganishiwa umeme",
			Requirements: []string{"Completed application form", "National ID card and KRA PIN", "Sketch map of the premises"},
			CostKind:     "text", CostText: "As per quotation", TimelineKind: "duration", Timeline: "4w", TimelineText: "Within 4 weeks of paying the quotation.",
			Channels: []string{"counter", "web"}},

		// Pensions Department
		{Code: "PENSIONS-01", AgencyCode: "PENSIONS", Name: "Pension claim enquiries and follow-up", NameSw: "Maswali na ufuatiliaji wa madai ya pensheni",
			Requirements: []string{"Pension number or personal number", "National ID card"},
			CostKind:     "free", TimelineKind: "duration", Timeline: "30m", TimelineText: "Within 30 minutes.",
			Channels: []string{"counter", "phone", "email"}},

		// Postal Corporation of Kenya
		{Code: "POSTA-01", AgencyCode: "POSTA", Name: "Huduma Card application", NameSw: "Maombi ya Kadi ya Huduma",
			Description:  "The Huduma Card is the unified payment card for government services, with Posta Pay as the payment platform.",
			Requirements: []string{"National ID card", "Registered mobile number"},
			CostKind:     "free", TimelineKind: "duration", Timeline: "30m", TimelineText: "Card issued within 30 minutes.",
			Channels: []string{"counter"}},
		{Code: "POSTA-02", AgencyCode: "POSTA", Name: "Payment for government services through Posta Pay", NameSw: "Malipo ya huduma za serikali kupitia Posta Pay",
			Description:  "The fee paid is that of the service concerned.",
			Requirements: []string{"Bill or invoice of the service to be paid", "National ID card"},
			CostKind:     "free", TimelineKind: "duration", Timeline: "10m", TimelineText: "Within 10 minutes.",
			Channels: []string{"counter"}},

		// Ministry of Labour, Social Security and Services
		{Code: "MOLSS-01", AgencyCode: "MOLSS", Name: "Registration for the older persons cash transfer (Inua Jamii)", NameSw: "Usajili wa mpango wa fedha kwa wazee (Inua Jamii)",
			Requirements: []string{"Applicant aged 70 years or above", "National ID card", "Not receiving a public pension"},
			CostKind:     "free", TimelineKind: "duration", Timeline: "30m", TimelineText: "Registered within 30 minutes.",
			Channels: []string{"counter"}},
		{Code: "MOLSS-02", AgencyCode: "MOLSS", Name: "Registration of job seekers", NameSw: "Usajili wa watafuta kazi",
			Requirements: []string{"National ID card", "Academic and professional certificates", "Curriculum vitae"},
			CostKind:     "free", TimelineKind: "duration", Timeline: "30m", TimelineText: "Within 30 minutes.",
			Channels: []string{"counter", "web"}},

		// Ministry of Lands, Housing and Urban Development
		{Code: "LANDS-01", AgencyCode: "LANDS", Name: "Official search of a land title", NameSw: "Upekuzi rasmi wa hati ya ardhi",
			Requirements: []string{"Title number or copy of the title deed", "National ID card and KRA PIN"},
			CostKind:     "amount", CostCents: kes(500), TimelineKind: "duration", Timeline: "1d", TimelineText: "Within 1 working day.",
			Channels: []string{"counter", "web"}},

		// Ethics and Anti-Corruption Commission
		{Code: "EACC-01", AgencyCode: "EACC", Name: "Report corruption or unethical conduct", NameSw: "Kuripoti ufisadi au mwenendo usio wa kimaadili",
			Requirements: []string{"Details of the incident: what happened, where, when and who was involved", "Supporting documents (if any)"},
			CostKind:     "free", TimelineKind: "duration", Timeline: "1d", TimelineText: "Report acknowledged within 1 working day.",
			Channels: []string{"counter", "web", "phone", "email", "sms"}},

		// Commission on Administrative Justice (Office of the Ombudsman)
		{Code: "CAJ-01", AgencyCode: "CAJ", Name: "Lodge a complaint of maladministration", NameSw: "Kuwasilisha malalamiko ya utawala mbaya",
			Requirements: []string{"Details of the complaint and the public office concerned", "Copies of any correspondence", "Complainant's contacts"},
			CostKind:     "free", TimelineKind: "duration", Timeline: "1d", TimelineText: "Complaint acknowledged within 1 working day.",
			Channels: []string{"counter", "web", "email", "sms"}},
	}
	positions := map[string]int{}
	for i := range services {
		positions[services[i].AgencyCode]++
		services[i].Position = positions[services[i].AgencyCode]
		services[i].Demo = true
	}
	return services
}

// hudumaCentres lists the centres. Big centres offer every service; the others omit a few
// services that need back-office staff only the big centres have.
func hudumaCentres(services []Service) []Centre {
	all := codesOf(services)
	without := func(omit ...string) []string {
		var out []string
		for _, code := range all {
			skip := false
			for _, o := range omit {
				if code == o {
					skip = true
					break
				}
			}
			if !skip {
				out = append(out, code)
			}
		}
		return out
	}
	full := func() []string { return append([]string(nil), all...) }
	mid := func() []string { return without("LANDS-01", "KPLC-02") }
	small := func() []string {
		return without("LANDS-01", "KPLC-02", "PENSIONS-01", "HELB-02", "CAJ-01", "MOLSS-02")
	}

	type c struct {
		code, name, county, address string
		counters                    int
		services                    []string
	}
	list := []c{
		// Nairobi
		{"HC-GPO", "Huduma Centre GPO", "Nairobi", "Teleposta Towers, Kenyatta Avenue, Nairobi", 40, full()},
		{"HC-CITY-SQUARE", "Huduma Centre City Square", "Nairobi", "City Square Post Office, Haile Selassie Avenue, Nairobi", 30, full()},
		{"HC-MAKADARA", "Huduma Centre Makadara", "Nairobi", "Jogoo Road, Makadara, Nairobi", 20, mid()},
		{"HC-EASTLEIGH", "Huduma Centre Eastleigh", "Nairobi", "First Avenue, Eastleigh, Nairobi", 20, mid()},
		{"HC-KIBRA", "Huduma Centre Kibra", "Nairobi", "Kibera Drive, Kibra, Nairobi", 15, mid()},
		// Other counties
		{"HC-MOMBASA", "Huduma Centre Mombasa", "Mombasa", "Post Office Building, Digo Road, Mombasa", 35, full()},
		{"HC-BUNGOMA", "Huduma Centre Bungoma", "Bungoma", "Post Office Building, Bungoma Town", 15, mid()},
		{"HC-SIAYA", "Huduma Centre Siaya", "Siaya", "Post Office Building, Siaya Town", 12, small()},
		{"HC-KITUI", "Huduma Centre Kitui", "Kitui", "Post Office Building, Kitui Town", 12, small()},
		{"HC-EMBU", "Huduma Centre Embu", "Embu", "Post Office Building, Embu Town", 15, mid()},
		{"HC-KISUMU", "Huduma Centre Kisumu", "Kisumu", "Post Office Building, Oginga Odinga Street, Kisumu", 35, full()},
		{"HC-KISII", "Huduma Centre Kisii", "Kisii", "Post Office Building, Kisii Town", 20, mid()},
		{"HC-KAKAMEGA", "Huduma Centre Kakamega", "Kakamega", "Post Office Building, Kakamega Town", 20, mid()},
		{"HC-KAJIADO", "Huduma Centre Kajiado", "Kajiado", "Kajiado Town, near the County Commissioner's Office", 12, small()},
		{"HC-MACHAKOS", "Huduma Centre Machakos", "Machakos", "Post Office Building, Machakos Town", 18, mid()},
		{"HC-MERU", "Huduma Centre Meru", "Meru", "Post Office Building, Meru Town", 18, mid()},
		{"HC-ISIOLO", "Huduma Centre Isiolo", "Isiolo", "Isiolo Town, near the County Commissioner's Office", 10, small()},
		{"HC-WAJIR", "Huduma Centre Wajir", "Wajir", "Wajir Town, near the County Commissioner's Office", 10, small()},
		// Seed 004 says "Turkana"; the centre is in Lodwar, the county town.
		{"HC-TURKANA", "Huduma Centre Turkana (Lodwar)", "Turkana", "Lodwar Town, Turkana", 10, small()},
		{"HC-NYERI", "Huduma Centre Nyeri", "Nyeri", "Post Office Building, Nyeri Town", 20, mid()},
		{"HC-NAKURU", "Huduma Centre Nakuru", "Nakuru", "Post Office Building, Kenyatta Avenue, Nakuru", 30, full()},
		{"HC-ELDORET", "Huduma Centre Eldoret", "Uasin Gishu", "Post Office Building, Uganda Road, Eldoret", 30, full()},
		{"HC-KWALE", "Huduma Centre Kwale", "Kwale", "Kwale Town, near the County Commissioner's Office", 10, small()},
		{"HC-MAKUENI", "Huduma Centre Makueni (Wote)", "Makueni", "Wote Town, Makueni", 10, small()},
		{"HC-NYAMIRA", "Huduma Centre Nyamira", "Nyamira", "Nyamira Town, near the County Commissioner's Office", 10, small()},
		{"HC-THIKA", "Huduma Centre Thika", "Kiambu", "Post Office Building, Thika Town", 20, mid()},
	}
	centres := make([]Centre, len(list))
	for i, x := range list {
		centres[i] = Centre{
			Code: x.code, Name: x.name, Kind: "huduma_centre", County: x.county, Address: x.address,
			Counters: x.counters, Services: x.services, Demo: true,
		}
	}
	return centres
}

// gpoCharter is an illustrative charter for Huduma Centre GPO, built from what seeds 002-004 say
// of how Huduma Centres serve (queue management, feedback devices at every counter, the Centre
// Manager as first stop for complaints, the Ombudsman and EACC at the centre, Posta Pay).
func gpoCharter() Charter {
	return Charter{
		CentreCode: "HC-GPO",
		Title:      "Huduma Centre GPO Service Charter",
		Preamble:   "Huduma Centre GPO brings the services of many ministries, departments and agencies under one roof at Teleposta Towers, so that customers are served end to end at one point without being referred to other service points. This charter states the services offered here, what each needs, what it costs and how long it takes.",
		Vision:     "A citizen-centric public service.",
		Mission:    "To provide integrated, accessible and efficient government services through one-stop centres, call centres, mobile and web channels.",
		CoreValues: []string{"Customer focus", "Courtesy", "Integrity", "Efficiency", "Accountability", "Teamwork"},
		Commitments: []string{
			"Serve every customer with courtesy and respect.",
			"Give clear information on every service, its requirements, cost and timeline.",
			"Refer any service not offered at the centre to the office concerned, and follow up until it is delivered.",
			"Act on every complaint and give feedback on the action taken.",
		},
		Clients: []string{"Members of the public", "Businesses", "Government ministries, departments and agencies"},
		Standards: []string{
			"Every customer receives a queue ticket at the information desk and is called to a counter in turn.",
			"Every counter has an Electronic Instant Feedback Device: rate the service you received.",
			"Services are delivered within the timelines in the service matrix.",
		},
		Conduct: []string{
			"Staff wear the Huduma uniform and name badge.",
			"No staff member may ask for or accept a gift or favour for a service.",
		},
		ClientObligations: []string{
			"Bring the documents each service requires.",
			"Pay fees only through the official payment channels (Posta Pay, eCitizen) and keep the receipt.",
			"Treat staff and other customers with courtesy.",
		},
		ClientRights: []string{
			"Be served in turn, with courtesy and in confidence.",
			"Know the requirements, cost and timeline of a service before applying.",
			"Complain and receive feedback.",
		},
		WorkingHours: "Monday to Friday 8.00am–5.00pm; Saturday 8.00am–1.00pm",
		MatrixNote:   "Timelines are in working time: days are working days and a week is five working days.",
		Complaints:   "The Centre Manager is the first stop for any complaint. The Commission on Administrative Justice (Office of the Ombudsman) and the Ethics and Anti-Corruption Commission are represented at the centre.\n\nHuduma Kenya contact centre: 1919\nE-mail: info@hudumakenya.go.ke",
		Closing:      "Huduma: government services at one stop.",
		Demo:         true,
	}
}

func huduma() Data {
	services := hudumaServices()
	return Data{
		Agencies: hudumaAgencies(),
		Centres:  hudumaCentres(services),
		Services: services,
		Charters: []Charter{gpoCharter()},
	}
}
