extension Gazetteer {
    /// The built-in lists: about 130 countries, the US states, about 300 major cities, well-known organisations,
    /// civic policy topics and a few hundred common given and family names across cultures.
    public static let standard = Gazetteer(
        places: cities,
        regions: countries + usStates,
        organisations: organisationList,
        policyTopics: topicList,
        givenNames: givenNameList,
        surnames: surnameList
    )

    private static func list(_ joined: String) -> [String] {
        joined.split(separator: "|").map { String($0) }
    }

    private static let countries = list(
        "Afghanistan|Albania|Algeria|Argentina|Armenia|Australia|Austria|Azerbaijan|Bangladesh|Belarus|Belgium|Bolivia|"
            + "Bosnia|Botswana|Brazil|Bulgaria|Cambodia|Cameroon|Canada|Chile|China|Colombia|Costa Rica|Croatia|Cuba|Cyprus|"
            + "Czechia|Czech Republic|Denmark|Dominican Republic|Ecuador|Egypt|El Salvador|England|Estonia|Ethiopia|Fiji|Finland|"
            + "France|Georgia|Germany|Ghana|Greece|Guatemala|Haiti|Honduras|Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|"
            + "Israel|Italy|Jamaica|Japan|Jordan|Kazakhstan|Kenya|Kosovo|Kuwait|Laos|Latvia|Lebanon|Libya|Lithuania|Luxembourg|"
            + "Madagascar|Malawi|Malaysia|Mali|Malta|Mexico|Moldova|Mongolia|Montenegro|Morocco|Mozambique|Myanmar|Namibia|Nepal|"
            + "Netherlands|New Zealand|Nicaragua|Niger|Nigeria|North Korea|North Macedonia|Norway|Oman|Pakistan|Palestine|Panama|"
            + "Paraguay|Peru|Philippines|Poland|Portugal|Qatar|Romania|Russia|Rwanda|Saudi Arabia|Scotland|Senegal|Serbia|"
            + "Sierra Leone|Singapore|Slovakia|Slovenia|Somalia|South Africa|South Korea|Spain|Sri Lanka|Sudan|Sweden|Switzerland|"
            + "Syria|Taiwan|Tanzania|Thailand|Tunisia|Turkey|Türkiye|Uganda|Ukraine|United Arab Emirates|UAE|United Kingdom|UK|"
            + "United States|USA|US|Uruguay|Uzbekistan|Venezuela|Vietnam|Wales|Yemen|Zambia|Zimbabwe|Europe|Africa|Asia|"
            + "North America|South America|Latin America|Oceania|Scandinavia|Middle East|Balkans|Caribbean"
    )

    private static let usStates = list(
        "Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Hawaii|Idaho|Illinois|Indiana|"
            + "Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota|Mississippi|Missouri|Montana|"
            + "Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York State|North Carolina|North Dakota|Ohio|Oklahoma|"
            + "Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington State|"
            + "West Virginia|Wisconsin|Wyoming|Ontario|Quebec|British Columbia|Alberta|Bavaria|Catalonia|Andalusia|Tuscany|"
            + "Queensland|New South Wales|Victoria|Punjab|Bengal|Kerala|Tamil Nadu|Maharashtra|Gujarat|Karnataka"
    )

    private static let cities = list(
        // Europe
        "London|Paris|Berlin|Madrid|Rome|Milan|Naples|Turin|Venice|Florence|Bologna|Lisbon|Porto|Barcelona|Valencia|Seville|"
            + "Bilbao|Malaga|Granada|Amsterdam|Rotterdam|The Hague|Utrecht|Brussels|Antwerp|Ghent|Vienna|Salzburg|Zurich|Zürich|"
            + "Geneva|Basel|Bern|Munich|Hamburg|Frankfurt|Cologne|Stuttgart|Düsseldorf|Dusseldorf|Leipzig|Dresden|Hanover|"
            + "Nuremberg|Copenhagen|Aarhus|Stockholm|Gothenburg|Malmo|Oslo|Bergen|Helsinki|Reykjavik|Dublin|Cork|Galway|Belfast|"
            + "Edinburgh|Glasgow|Manchester|Liverpool|Leeds|Sheffield|Birmingham|Bristol|Newcastle|Nottingham|Cardiff|Oxford|"
            + "Cambridge|Brighton|Lyon|Marseille|Toulouse|Nice|Bordeaux|Lille|Nantes|Strasbourg|Prague|Brno|Warsaw|Krakow|Kraków|"
            + "Gdansk|Wroclaw|Budapest|Bratislava|Ljubljana|Zagreb|Belgrade|Sarajevo|Bucharest|Sofia|Athens|Thessaloniki|Istanbul|"
            + "Ankara|Izmir|Kyiv|Kiev|Lviv|Odesa|Minsk|Moscow|St Petersburg|Saint Petersburg|Riga|Tallinn|Vilnius|Valletta|"
            + "Luxembourg City|Monaco|Tbilisi|Yerevan|Baku|"
            // Americas
            + "New York|New York City|NYC|Los Angeles|Chicago|Houston|Phoenix|Philadelphia|San Antonio|San Diego|Dallas|"
            + "San Jose|Austin|Jacksonville|San Francisco|Columbus|Fort Worth|Indianapolis|Charlotte|Seattle|Denver|"
            + "Washington|Washington DC|Boston|Nashville|Detroit|Portland|Las Vegas|Memphis|Louisville|Baltimore|Milwaukee|"
            + "Albuquerque|Tucson|Fresno|Sacramento|Kansas City|Atlanta|Miami|Orlando|Tampa|Raleigh|Minneapolis|St Louis|"
            + "Pittsburgh|Cincinnati|Cleveland|New Orleans|Salt Lake City|Honolulu|Anchorage|Oakland|Berkeley|Palo Alto|"
            + "Mountain View|Brooklyn|Queens|Manhattan|Toronto|Montreal|Vancouver|Calgary|Ottawa|Edmonton|Winnipeg|Halifax|"
            + "Quebec City|Mexico City|Guadalajara|Monterrey|Tijuana|Cancun|Havana|San Juan|Guatemala City|Panama City|"
            + "Bogota|Bogotá|Medellin|Medellín|Cali|Caracas|Quito|Lima|La Paz|Santiago|Buenos Aires|Cordoba|Montevideo|"
            + "Asuncion|Sao Paulo|São Paulo|Rio de Janeiro|Brasilia|Brasília|Salvador|Recife|Belo Horizonte|Porto Alegre|"
            + "Curitiba|Fortaleza|"
            // Africa and the Middle East
            + "Cairo|Alexandria|Lagos|Abuja|Ibadan|Kano|Accra|Kumasi|Dakar|Abidjan|Bamako|Nairobi|Mombasa|Kampala|Kigali|"
            + "Dar es Salaam|Addis Ababa|Khartoum|Kinshasa|Luanda|Lusaka|Harare|Maputo|Johannesburg|Cape Town|Durban|Pretoria|"
            + "Casablanca|Rabat|Marrakesh|Marrakech|Tunis|Algiers|Tripoli|Dubai|Abu Dhabi|Doha|Riyadh|Jeddah|Kuwait City|"
            + "Muscat|Manama|Amman|Beirut|Damascus|Baghdad|Tehran|Jerusalem|Tel Aviv|Haifa|"
            // Asia and Oceania
            + "Tokyo|Osaka|Kyoto|Yokohama|Nagoya|Sapporo|Fukuoka|Kobe|Hiroshima|Seoul|Busan|Incheon|Beijing|Shanghai|"
            + "Guangzhou|Shenzhen|Chengdu|Chongqing|Wuhan|Hangzhou|Nanjing|Xi'an|Tianjin|Suzhou|Hong Kong|Macau|Taipei|"
            + "Kaohsiung|Manila|Quezon City|Cebu|Jakarta|Surabaya|Bandung|Bali|Kuala Lumpur|Penang|Bangkok|Chiang Mai|Hanoi|"
            + "Ho Chi Minh City|Saigon|Da Nang|Phnom Penh|Vientiane|Yangon|Dhaka|Chittagong|Kathmandu|Colombo|Karachi|Lahore|"
            + "Islamabad|Kabul|Delhi|New Delhi|Mumbai|Bangalore|Bengaluru|Chennai|Hyderabad|Kolkata|Pune|Ahmedabad|Jaipur|"
            + "Lucknow|Kochi|Goa|Tashkent|Almaty|Astana|Ulaanbaatar|Sydney|Melbourne|Brisbane|Perth|Adelaide|Canberra|Hobart|"
            + "Darwin|Auckland|Wellington|Christchurch|Suva"
    )

    private static let organisationList = list(
        "Google|Alphabet|Apple|Microsoft|Amazon|Meta|Facebook|Instagram|WhatsApp|Netflix|Tesla|SpaceX|OpenAI|Anthropic|"
            + "Nvidia|Intel|AMD|IBM|Oracle|Salesforce|Adobe|Cisco|Dell|HP|Uber|Lyft|Airbnb|Spotify|Stripe|Shopify|Slack|Zoom|"
            + "Dropbox|GitHub|GitLab|Atlassian|Twitter|LinkedIn|Reddit|TikTok|ByteDance|Tencent|Alibaba|Baidu|Huawei|Xiaomi|"
            + "Samsung|LG|Sony|Nintendo|Toyota|Honda|Nissan|Panasonic|Hitachi|Rakuten|SoftBank|Infosys|Wipro|Tata|Reliance|"
            + "Flipkart|Yandex|Siemens|SAP|Bosch|BMW|Volkswagen|Mercedes-Benz|Audi|Porsche|BASF|Bayer|Allianz|Lufthansa|"
            + "Deutsche Bahn|Deutsche Bank|Nestle|Nestlé|Novartis|Roche|UBS|Unilever|Shell|BP|HSBC|Barclays|Lloyds|BBC|"
            + "The Guardian|Reuters|Bloomberg|The New York Times|Airbus|Renault|Peugeot|Michelin|L'Oreal|Danone|Ikea|IKEA|"
            + "Volvo|Ericsson|Nokia|Philips|ASML|Heineken|Maersk|Novo Nordisk|Zara|Inditex|Telefonica|Telefónica|Vodafone|"
            + "Petrobras|Vale|Embraer|Mercado Libre|Nubank|Safaricom|M-Pesa|MTN|Jumia|Andela|Walmart|Target|Costco|Starbucks|"
            + "McDonald's|Coca-Cola|Pepsi|PepsiCo|Nike|Adidas|Disney|Boeing|Ford|General Motors|GM|Pfizer|Moderna|"
            + "Johnson & Johnson|JPMorgan|Goldman Sachs|Morgan Stanley|Citibank|Wells Fargo|Visa|Mastercard|PayPal|"
            + "United Nations|UN|UNICEF|UNESCO|WHO|World Health Organization|World Bank|IMF|European Union|EU|"
            + "European Commission|NATO|OECD|Red Cross|Oxfam|Amnesty International|Greenpeace|WWF|Doctors Without Borders|"
            + "Sierra Club|Wikipedia|Wikimedia|Mozilla|Linux Foundation|Apache|NASA|ESA|NHS|FBI|CIA|MIT|Harvard|Stanford|"
            + "Yale|Princeton|Oxford University|Cambridge University|Caltech|Berkeley|UCLA|ETH Zurich|Sorbonne|Tsinghua|"
            + "Peking University|Wayfair|Etsy|eBay|Booking.com|Expedia|Deliveroo|Just Eat|Revolut|Monzo|Klarna|Wise"
    )

    private static let topicList = list(
        "housing|affordable housing|public housing|social housing|homelessness|rent control|rents|zoning|land use|"
            + "public transport|public transit|transit|buses|bus lanes|bike lanes|bike lane|cycle lanes|cycling infrastructure|"
            + "road safety|traffic|congestion pricing|congestion charge|congestion charges|parking|pedestrianisation|climate|"
            + "climate change|climate action|emissions|air quality|pollution|renewable energy|energy|energy prices|water|"
            + "sewage|flooding|recycling|waste|parks|green space|green spaces|trees|taxation|taxes|property tax|income tax|"
            + "sales tax|tax reform|healthcare|health care|public health|mental health|education|schools|school funding|"
            + "childcare|child care|universities|tuition|immigration|asylum|refugees|policing|police reform|public safety|"
            + "crime|gun control|budget|public spending|pensions|social security|welfare|minimum wage|unemployment|"
            + "inflation|cost of living|libraries|broadband|digital rights|data privacy|privacy|surveillance|elections|"
            + "voting rights|tourism|noise|accessibility|disability rights|gentrification|urban planning|agriculture|food security"
    )

    private static let givenNameList = list(
        // English and European
        "James|John|Robert|Michael|William|David|Richard|Joseph|Thomas|Charles|Christopher|Daniel|Matthew|Anthony|Mark|"
            + "Andrew|Joshua|Kevin|Brian|George|Edward|Ryan|Jacob|Nicholas|Eric|Jonathan|Stephen|Larry|Justin|Scott|Brandon|"
            + "Benjamin|Samuel|Gregory|Alexander|Patrick|Jack|Dennis|Tyler|Aaron|Adam|Nathan|Henry|Peter|Zachary|Kyle|Noah|"
            + "Ethan|Jeremy|Christian|Sean|Austin|Arthur|Lawrence|Dylan|Jesse|Bryan|Joe|Jordan|Billy|Bruce|Albert|Willie|"
            + "Gabriel|Alan|Juan|Logan|Wayne|Ralph|Roy|Eugene|Randy|Vincent|Russell|Louis|Philip|Bobby|Johnny|Bradley|Oliver|"
            + "Harry|Leo|Oscar|Theo|Freddie|Archie|Liam|Lucas|Mason|Elijah|Owen|Luke|Isaac|Chris|Sam|Alex|Ben|Tom|Tim|Dan|"
            + "Mary|Patricia|Jennifer|Linda|Elizabeth|Barbara|Susan|Jessica|Sarah|Karen|Lisa|Nancy|Betty|Margaret|Sandra|"
            + "Ashley|Kimberly|Emily|Donna|Michelle|Carol|Amanda|Dorothy|Melissa|Deborah|Stephanie|Rebecca|Sharon|Laura|"
            + "Cynthia|Kathleen|Amy|Angela|Shirley|Anna|Brenda|Pamela|Emma|Nicole|Helen|Samantha|Katherine|Christine|Debra|"
            + "Rachel|Carolyn|Janet|Catherine|Maria|Heather|Diane|Ruth|Julie|Olivia|Joyce|Virginia|Victoria|Kelly|Lauren|"
            + "Christina|Joan|Evelyn|Judith|Megan|Andrea|Cheryl|Hannah|Jacqueline|Martha|Gloria|Teresa|Ann|Sara|Madison|"
            + "Frances|Kathryn|Janice|Jean|Abigail|Alice|Judy|Sophia|Sophie|Grace|Denise|Amber|Doris|Marilyn|Danielle|"
            + "Beverly|Isabella|Theresa|Diana|Natalie|Brittany|Charlotte|Marie|Kayla|Alexis|Lily|Chloe|Ella|Zoe|Zoë|Ava|Mia|"
            + "Ruby|Poppy|Isla|Freya|Lena|Lara|Clara|Julia|Eva|Nina|Ingrid|Astrid|Sigrid|Lars|Sven|Erik|Nils|Johan|Anders|"
            + "Mikael|Jonas|Lukas|Felix|Maximilian|Paul|Jan|Hans|Klaus|Stefan|Jürgen|Katrin|Anke|Pierre|Jean-Pierre|Louise|"
            + "Camille|Chloé|Manon|Léa|Hugo|Antoine|Julien|Mathieu|Nicolas|Sébastien|Marco|Giulia|Francesca|Giuseppe|Luca|"
            + "Matteo|Alessandro|Lorenzo|Chiara|Elena|Sofia|Pablo|Javier|Carlos|Mateo|Diego|Alejandro|Miguel|Jose|José|"
            + "Luis|Jorge|Carmen|Lucia|Lucía|Isabel|Marta|Pilar|Tiago|João|Joao|Pedro|Rafael|Bruno|Gustavo|Ana|Beatriz|"
            + "Mariana|Camila|Valentina|Gabriela|Fernanda|Tomás|Tomas|Santiago|Sebastián|Andrés|Ivan|Dmitri|Sergei|Alexei|"
            + "Olga|Natasha|Tatiana|Irina|Svetlana|Katarzyna|Piotr|Tomasz|Agnieszka|Nina|Marek|Ondrej|Petra|Zsofia|Siobhan|"
            + "Aoife|Niamh|Ciaran|Declan|Seamus|Eamon|Fiona|Morag|Callum|Rhys|Gareth|Dafydd|"
            // African
            + "Kwame|Kofi|Kojo|Ama|Akosua|Abena|Yaw|Chinedu|Chioma|Ngozi|Emeka|Obinna|Adaeze|Tunde|Babajide|Folake|Funmilayo|"
            + "Yetunde|Ayodele|Oluwaseun|Seun|Amara|Chiamaka|Aisha|Fatima|Fatuma|Amina|Zainab|Halima|Hadiza|Musa|Ibrahim|"
            + "Abdullahi|Sani|Juma|Baraka|Wanjiru|Wanjiku|Njeri|Kamau|Otieno|Achieng|Akinyi|Thabo|Sipho|Lerato|Naledi|"
            + "Thandiwe|Zanele|Mandla|Tendai|Chipo|Tatenda|Kagiso|Moussa|Mamadou|Awa|Aminata|Fatou|Ousmane|Abebe|Almaz|"
            + "Tigist|Selam|Dawit|Yonas|Hana|Nia|Imani|Jamal|Malik|Darnell|Tyrone|Keisha|Aaliyah|"
            // Middle East and South Asia
            + "Mohammed|Muhammad|Mohamed|Ahmed|Ahmad|Ali|Omar|Hassan|Hussein|Khalid|Youssef|Yusuf|Karim|Tariq|Samir|Samira|"
            + "Layla|Leila|Noor|Nour|Yasmin|Yasmine|Mariam|Maryam|Rania|Dalia|Farah|Huda|Salma|Hiba|Reza|Ali|Dariush|"
            + "Shirin|Parisa|Arash|Avi|Yael|Noa|Tamar|Eitan|Moshe|David|Priya|Ananya|Aditi|Kavya|Divya|Pooja|Neha|Anjali|"
            + "Sunita|Lakshmi|Meera|Deepa|Rahul|Arjun|Rohan|Vikram|Ravi|Amit|Sanjay|Rajesh|Suresh|Anil|Vijay|Arun|Karthik|"
            + "Sandeep|Imran|Faisal|Bilal|Usman|Ayesha|Sana|Nadia|Rashid|Tanvir|Farhan|Nusrat|Sadia|"
            // East and Southeast Asia, Pacific
            + "Wei|Jing|Li|Ming|Hui|Yan|Xin|Lei|Jun|Hao|Yu|Mei|Ling|Xiaoming|Zhiwei|Hiroshi|Takeshi|Kenji|Haruto|Yuto|Sota|"
            + "Ren|Yuki|Yui|Aiko|Keiko|Ayumi|Sakura|Hana|Akira|Daisuke|Minji|Jiwoo|Seojun|Jisoo|Hyun|Ji-woo|Min-jun|Sung|"
            + "Minh|Linh|Thanh|Huong|Anh|Nguyen|Somchai|Siriporn|Arif|Budi|Siti|Putri|Dewi|Agus|Jose|Maricel|Aroha|Tane|"
            + "Mere|Wiremu|Manaia|Sina|Kai|Leilani|Mateus|Rosa|Farida|Lindiwe"
    )

    private static let surnameList = list(
        "Smith|Johnson|Williams|Brown|Jones|Garcia|Miller|Davis|Rodriguez|Martinez|Hernandez|Lopez|López|Gonzalez|Wilson|"
            + "Anderson|Taylor|Thomas|Moore|Jackson|Martin|Lee|Thompson|White|Harris|Clark|Lewis|Robinson|Walker|Young|Allen|"
            + "King|Wright|Scott|Green|Baker|Adams|Nelson|Hill|Campbell|Mitchell|Roberts|Carter|Phillips|Evans|Turner|Parker|"
            + "Collins|Edwards|Stewart|Murphy|Cook|Rogers|Morgan|Cooper|Peterson|Reed|Bailey|Kelly|Howard|Kim|Park|Choi|"
            + "Jung|Kang|Cho|Yoon|Wang|Li|Zhang|Liu|Chen|Yang|Huang|Zhao|Wu|Zhou|Xu|Sun|Ma|Zhu|Hu|Guo|Lin|Tan|Lim|Ng|Wong|"
            + "Nguyen|Tran|Le|Pham|Sato|Suzuki|Takahashi|Tanaka|Watanabe|Ito|Yamamoto|Nakamura|Kobayashi|Kato|Singh|Kumar|"
            + "Sharma|Patel|Gupta|Shah|Reddy|Rao|Iyer|Nair|Das|Khan|Ahmed|Hussain|Ali|Rahman|Hossain|Haddad|Khoury|Mansour|"
            + "Cohen|Levi|Okafor|Okoro|Okonkwo|Adeyemi|Bello|Mensah|Owusu|Boateng|Mwangi|Otieno|Kamau|Ndlovu|Dlamini|Nkosi|"
            + "Diallo|Traore|Keita|Silva|Santos|Souza|Oliveira|Costa|Pereira|Ferreira|Almeida|Rossi|Russo|Ferrari|Esposito|"
            + "Bianchi|Romano|Müller|Mueller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Hoffmann|Dubois|Bernard|"
            + "Moreau|Laurent|Lefebvre|Fernandez|Fernández|Sanchez|Sánchez|Perez|Pérez|Ruiz|Diaz|Díaz|Torres|Ramirez|Flores|"
            + "Gomez|Morales|Rivera|Reyes|Cruz|Ivanov|Petrov|Petrova|Smirnov|Kowalski|Kowalska|Nowak|Novak|Horvath|Jensen|"
            + "Nielsen|Hansen|Andersen|Larsen|Johansson|Eriksson|Eriksen|Berg|Lindqvist|Virtanen|Murray|O'Brien|O'Connor|"
            + "Byrne|Ryan|Walsh|McCarthy|Grant"
    )
}
