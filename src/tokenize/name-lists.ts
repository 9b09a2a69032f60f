/**
 * Built-in name lists for {@link pseudonymizeName}: common given names and family names from
 * many regions, ASCII only so pseudonyms fit legacy columns. Changing these lists changes
 * every name pseudonym: treat them as frozen (append-only is still a change).
 *
 * @module
 */

/** Given names (232, all distinct). */
export const FIRST_NAMES: readonly string[] = Object.freeze(
  (
    'Aaliyah Aarav Abigail Adam Adebayo Adriana Ahmed Aiko Aisha Alejandro Alessandro Alexander Alice Aline Amara Amelia Amir Ana Anders Andrea ' +
    'Andrei Ane Angela Anika Anna Antoine Anton Aria Arjun Astrid Ayumi Beatriz Benjamin Bianca Boris Bruno Camila Carlos Carmen Caroline ' +
    'Chen Chiara Chidi Chloe Christian Clara Daniel Daniela Dario David Diana Diego Dmitri Elena Elias Elif Elijah Elin Elisa Ella ' +
    'Emeka Emil Emily Emma Enzo Eric Erik Esra Ethan Eva Fatima Felix Fernando Fiona Florian Francesca Freya Gabriel Gabriela ' +
    'George Giulia Grace Hana Hannah Hamza Haruto Hassan Helena Henrik Hugo Ibrahim Ida Ikaika Imani Ines Ingrid Isaac Isabel ' +
    'Isabella Ivan Jack Jakob James Jana Javier Jin Joao Johan Jonas Jorge Jose Julia Julian Juliana Kai Kaito Karim ' +
    'Karin Katarina Kenji Khadija Kofi Lars Laura Layla Leila Lena Leo Leon Liam Lina Linnea Lucas Lucia Luis Luka ' +
    'Maja Malik Mapenzi Marco Margarida Maria Mariam Marta Mateo Matteo Maya Mehmet Mei Mia Miguel Mika Mila Min Mohammed ' +
    'Nadia Naledi Natalia Nia Nikolai Nils Nina Noah Nora Nour Oliver Olivia Omar Oscar Paolo Patrick Paula Pedro Pieter ' +
    'Priya Rafael Rahul Ravi Rin Rosa Ruby Sakura Samir Samuel Santiago Sara Sebastian Selin Sergio Shira Sipho Sofia Sophie ' +
    'Sota Stefan Suki Sven Tariq Tatiana Teresa Thabo Theo Thomas Tomas Valentina Victor Vikram Wei William Xin Yara Yasmin ' +
    'Yuki Yusuf Zainab Zara Zeynep Zoe Akira Alma Arthur Ayesha Bilal Cyrus Dalia Esther Farah Goran Hiroshi Ilse Jamal Keanu'
  ).split(' '),
);

/** Family names (239, all distinct). */
export const LAST_NAMES: readonly string[] = Object.freeze(
  (
    'Abe Adeyemi Ahmadi Alvarez Andersen Anderson Araujo Bailey Baker Banda Barbieri Bauer Becker Bianchi Bondarenko Brown Bui Campbell Carvalho Castillo ' +
    'Chatterjee Chen Cohen Colombo Costa Cruz Dang Das Davies Delgado Diaz Dlamini Do Dubois Duong Edwards Eriksson Esposito Evans ' +
    'Fernandes Fernandez Ferrari Fischer Fontaine Forde Fujita Garcia Gomes Gomez Gonzalez Gruber Gupta Haddad Hall Hansen Hashemi Hayashi Hernandez Hoang ' +
    'Hoffmann Horvath Hughes Husain Ibrahim Ito Ivanov Jansen Jensen Johansson Johnson Jones Kaplan Kato Kaya Khan Kim Kimura Koch Kowalski ' +
    'Kozlov Kruger Kumar Larsen Laurent Lee Lefebvre Lehmann Li Lim Lindqvist Liu Lombardi Lopez Ma Mahlangu Martin Martinez Mbeki Mehta ' +
    'Meier Mendes Meyer Mikkelsen Miller Mishra Mohamed Moreau Moreno Morris Mueller Murphy Mwangi Nagy Nakamura Navarro Ndlovu Nguyen Nielsen Novak ' +
    'Nowak Obi Ochieng Odhiambo Ogawa Okafor Okonkwo Oliveira Olsen Ortiz Osei Ozturk Park Patel Pavlov Perez Persson Petrov Pham Popescu ' +
    'Quispe Rahman Ramirez Ramos Rao Reddy Reyes Ricci Richter Rivera Roberts Rodrigues Rodriguez Romano Romero Rossi Ruiz Saito Sanchez Santos ' +
    'Sasaki Schmidt Schneider Schulz Sharma Shevchenko Silva Simon Singh Smith Sokolov Sousa Suarez Sullivan Suzuki Svensson Szabo Takahashi Tanaka Tan ' +
    'Taylor Thomas Tiwari Torres Tran Traore Turner Ueda Vargas Vasquez Virtanen Vogel Volkov Wagner Walker Wang Watanabe Weber Williams Wilson ' +
    'Wong Wright Wu Xu Yadav Yamada Yamamoto Yang Yilmaz Yoshida Young Yu Zhang Zhao Zhou Zimmermann Zulu Achterberg Bakker Castro ' +
    'De Jong Dijkstra Eze Fofana Gallo Halvorsen Ishikawa Jovanovic Keller Lindgren Mensah Nkosi Osman Pereira Qureshi Rasmussen Sato Toure Umar Varga'
  )
    .split(' ')
    .reduce<string[]>((names, word) => {
      // "De Jong" is one family name.
      if (names.length > 0 && names[names.length - 1] === 'De') names[names.length - 1] = `De ${word}`;
      else names.push(word);
      return names;
    }, []),
);
