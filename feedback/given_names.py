"""Common given names in Australia, for the privacy guard's name rules.

Drawn from the most common names of children and adults registered in Australian states,
with common Aboriginal and Torres Strait Islander names and names common in Australia's
larger migrant communities. Names that are also everyday words or places are listed
separately so the guard can treat them with care.
"""


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


GIVEN_NAMES = word_set(
    """
    Aaliyah Aaron Abbey Abdul Abdullah Abigail Abuk Achol Adam Adrian Agnes Ahmad Ahmed Aidan
    Aiden Aisha Akira Alana Alannah Alex Alexander Alexandra Alexis Alice Alicia Alinta Alira
    Alisha Allira Alyssa Amanda Amara Amelia Amina Amir Amira Amy Ana Andrew Angela Angus Anh
    Anika Anita Ann Anna Anne Annie Anthony Archer Archie Aria Ariana Arjun Arlo Aroha Arthur
    Ashley Ashton Aurora Ava Ayaan Ayden Ayen Ayesha Bailey Barbara Beau Bella Ben Benjamin
    Bethany Bianca Billie Bindi Blake Bodhi Bonnie Braxton Brayden Brenda Brendan Brett
    Brianna Bridget Brittany Brodie Brooklyn Bruce Bryce Caitlin Caleb Callum Cameron
    Carla Carlos Carmen Caroline Casey Cassandra Catherine Charlie Charlotte Chelsea Cheryl
    Chloe Chris Christian Christina Christine Christopher Claire Clara Cody Colin Connor
    Cooper Craig Daisy Dakota Damien Daniel Danielle Daniyal Darcy Darren David Deborah Deng
    Denise Dennis Diana Diane Dimitri Dominic Donna Dylan Edward Eleanor Eleni Eli Elijah
    Eliza Elizabeth Ella Ellie Eloise Elsie Emily Emma Emmanuel Eric Erin Ethan Eva Evan Evie
    Evelyn Ezra Fatima Felix Finn Fiona Fletcher Florence Flynn Freya Gabriel Gabriella Gary
    Gemma Georgia George Georgina Giovanni Giulia Glenn Gloria Graham Gregory Hamish Hamza
    Hannah Harper Harrison Harry Harvey Hassan Hayden Hayley Heather Helen Henry Hiroshi Holly
    Hudson Hugo Hung Hunter Huong Hussein Ian Ibrahim Imogen Indi Isaac Isabel Isabella
    Isabelle Isla Ivy Jace Jack Jackson Jacob Jacqueline Jade Jaden Jai Jake James Jamie Jan
    Jane Janet Jarli Jarrah Jasmine Jason Jasper Jaxon Jayden Jedda Jennifer Jenny Jesse
    Jessica Jiemba Jirra Joanne Joel John Jonathan Jordan Joseph Josephine Joshua Judith
    Julia Julian Julie Justin Kai Kaiya Kalinda Karen Kate Katherine Kathleen Katie Kayla
    Keira Kelly Kevin Khadija Kiah Kimberley Kirra Koby Kody Kristen Kyah Kyle Kylie Lachlan
    Lara Laura Lauren Layla Leah Leila Leo Leon Levi Lewis Liam Lily Lincoln Linda Linh Lisa
    Logan Lola Losa Louis Louise Lowanna Luca Lucas Lucy Luka Luke Lydia Mabior Mackenzie
    Madeleine Madison Maddison Malakai Malik Maria Mariam Marlee Marley Margaret Marco Martin
    Mary Mason Matilda Matthew Max Maya Megan Mei Mele Melissa Mere Mia Michael Michelle
    Mikayla Milla Millie Minh Mirri Mitchell Mohamed Mohammad Mohammed Molly Muhammad Nancy
    Naomi Natalie Nathan Ngoc Nicholas Nicole Nikita Nikos Noah Noor Nyah Oakley Ocean Oliver
    Olivia Omar Oscar Paige Pamela Patrick Paul Peter Phoebe Poppy Priya Quinn Rachel Rahul
    Raj Rebecca Reuben Riley Robert Robyn Rohan Ronald Rosie Ruby Ryan Sadie Samantha Samuel
    Sandra Sara Sarah Savannah Scarlett Scott Sean Sebastian Shane Shannon Sharon Sienna
    Simon Sione Sofia Sophia Sophie Stella Stephanie Stephen Steven Susan Sienna Tahlia
    Talia Tamara Tane Tanya Tara Tayla Taylor Teagan Teresa Thanh Theo Theodore Thomas Tiana
    Tiffany Timothy Toby Tom Tommy Tracey Travis Trent Tristan Troy Tyler Tyson Valentina
    Vanessa Victoria Vincent Violet Wei Wendy William Willow Wyatt Xavier Yasmin Yindi Yusuf
    Zac Zachary Zahra Zainab Zara Zoe Zoey
    """
)

# Given names that are also everyday words (or that open ordinary sentences): "Will the
# form...", "Grace periods...", "May meeting papers...". They count as names only in a
# clearer context (a title, a surname, "her son ...").
AMBIGUOUS_GIVEN_NAMES = word_set(
    """
    Amber April Art August Autumn Bill Bob Brook Brooke Carol Chase Dawn Dean Destiny Don
    Drew Faith Frank Gene Ginger Grace Grant Guy Harmony Hazel Heaven Honey Hope Hunter Iris
    Ivy Jack Jade Jordan Joy June Mark Max Miles Olive Pat Pearl Ray Reed Rich River Rose
    Sandy Sky Storm Sue Summer Sunny Will
    """
)

# Given names that are also places in Australia ("12 Smith Street, Elizabeth"): a name only
# when a surname follows.
PLACE_GIVEN_NAMES = word_set(
    """
    Adelaide Alice Charlotte Chelsea Darwin Elizabeth Florence Georgia Hamilton Lincoln
    Sydney Victoria
    """
)
